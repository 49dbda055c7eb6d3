package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.config.BootlineConfig;
import dev.bootline.events.EventLog;
import dev.bootline.events.EventLogStats;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscriber that stops reading must not slow recording or other subscribers, and must not lose events: the
 * server only polls its cursor after the previous write completed, so the stalled stream simply falls behind (into the
 * journal) and catches up when its client reads again.
 */
@Timeout(300) // a safety net against a hung stream, not a timing assertion
class EventsSseSlowReaderTest {
  static final int EVENTS = 20_000;
  static final String PAD = "x".repeat(200); // ~6 MB of stream in all: far more than the stalled socket can hold

  @TempDir Path stateDir;

  @Test
  void stalledReaderNeitherSlowsRecordingNorOthersAndLaterGetsEveryEventOnceInOrder() throws Exception {
    // A small in-memory window, so the stalled stream has to catch up from the journal files.
    EventLog.Options options = EventLog.Options.defaults().withRecentEvents(1024);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (EventLog log = EventLog.open(stateDir, Clock.systemUTC(), options);
        AdminServer admin = new AdminServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), log,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      admin.start();
      int port = admin.ports().getFirst();

      SseClient normal = SseClient.http(client, "http://127.0.0.1:" + port + "/events");
      assertThat(normal.snapshot().idNumber()).isZero();
      // The slow reader: a tiny receive window, reads the head and the snapshot, then stops reading.
      SseClient slow = SseClient.raw(port, "/events", s -> {
        try {
          s.setReceiveBufferSize(4096);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      assertThat(slow.status).isEqualTo(200);
      assertThat(slow.snapshot().idNumber()).isZero();

      Future<List<Long>> normalIds = threads.submit(() -> EventsSseTest.readIds(normal, EVENTS));
      long last = 0;
      for (int i = 0; i < EVENTS; i++) {
        last = log.record(i % 2 == 0 ? "52:54:00:00:00:01" : "52:54:00:00:00:02", null, "step",
            Map.of("i", i, "pad", PAD), "test").id();
      }
      assertThat(last).isEqualTo(EVENTS);
      assertThat(log.awaitJournaled(last, Duration.ofSeconds(60))).isTrue();
      EventLogStats stats = log.stats();
      assertThat(stats.recorded()).isEqualTo(EVENTS);
      assertThat(stats.dropped()).isZero();

      // The normal subscriber got everything, in order, while the slow one was stalled.
      assertThat(normalIds.get()).containsExactlyElementsOf(ids(1, EVENTS));
      // ...and the slow one really was held back by its full socket, not served from some buffer.
      EventsSse.StreamInfo slowStream = admin.events().streams().stream()
          .filter(s -> s.remotePort() == slow.localPort).findFirst().orElseThrow();
      assertThat(slowStream.lastSentId()).isLessThan(EVENTS);

      // The slow reader reads again: every event exactly once, in order. (Should it have stalled past the idle
      // timeout and been disconnected, it resumes with Last-Event-ID, as EventSource would: still no gap.)
      List<Long> got = new ArrayList<>();
      SseClient reader = slow;
      while (got.isEmpty() || got.getLast() < EVENTS) {
        SseClient.Message m;
        try {
          m = reader.next();
        } catch (IOException reset) {
          m = null;
        }
        if (m == null) {
          reader.close();
          String lastId = String.valueOf(got.isEmpty() ? 0 : got.getLast());
          reader = SseClient.raw(port, "/events", s -> {}, "Last-Event-ID", lastId);
          assertThat(reader.next().retry()).isEqualTo("3000");
          continue;
        }
        if (m.data() != null) {
          assertThat(m.json().has("event")).isTrue();
          got.add(m.idNumber());
        }
      }
      assertThat(got).containsExactlyElementsOf(ids(1, EVENTS));
      assertThat(log.stats().journalReads()).as("it caught up from the journal").isPositive();
      reader.close();
      normal.close();
    }
  }

  @Test
  void readerStalledPastRetentionIsToldAndItsReconnectGetsAFreshSnapshot() throws Exception {
    // Retention of two 64 KiB segments (a few hundred events): the stalled stream's next events get deleted.
    EventLog.Options options = EventLog.Options.defaults().withSegments(64 * 1024, 2).withRecentEvents(64);
    try (EventLog log = EventLog.open(stateDir, Clock.systemUTC(), options);
        AdminServer admin = new AdminServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), log,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      admin.start();
      int port = admin.ports().getFirst();
      SseClient slow = SseClient.raw(port, "/events", s -> {
        try {
          s.setReceiveBufferSize(4096);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      assertThat(slow.snapshot().idNumber()).isZero();
      long last = 0;
      for (int i = 0; i < EVENTS; i++) {
        last = log.record("52:54:00:00:00:01", null, "step", Map.of("i", i, "pad", PAD), "test").id();
      }
      assertThat(log.awaitJournaled(last, Duration.ofSeconds(60))).isTrue();
      assertThat(log.stats().dropped()).isZero();
      assertThat(log.oldestId()).isGreaterThan(EVENTS / 2);

      // Reading again: contiguous events from 1, then a comment saying they are gone, then the end of the stream.
      List<Long> got = new ArrayList<>();
      List<String> comments = new ArrayList<>();
      for (SseClient.Message m = slow.next(); m != null; m = slow.next()) {
        comments.addAll(m.comments());
        if (m.data() != null) {
          got.add(m.idNumber());
        }
      }
      slow.close();
      assertThat(got).isNotEmpty().containsExactlyElementsOf(ids(1, got.size()));
      assertThat(got.getLast()).isLessThan(log.oldestId());
      assertThat(comments).anySatisfy(c -> assertThat(c)
          .startsWith("events after id " + got.getLast() + " are no longer kept"));

      // EventSource reconnects with its last id: it gets a fresh snapshot, then live events.
      try (SseClient again = SseClient.raw(port, "/events", s -> {}, "Last-Event-ID", String.valueOf(got.getLast()))) {
        SseClient.Message snap = again.snapshot();
        assertThat(snap.idNumber()).isEqualTo(last);
        assertThat(snap.json().get("52:54:00:00:00:01").get("Mac").asText()).isEqualTo("52:54:00:00:00:01");
        long next = log.record("52:54:00:00:00:01", null, "after", Map.of(), "test").id();
        assertThat(again.nextData().idNumber()).isEqualTo(next);
      }
    }
  }

  static List<Long> ids(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
