package dev.bootline.events;

import static dev.bootline.events.EventTesting.readUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.events.EventTesting.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupEventSinkTest {
  @TempDir Path stateDir;

  /** Everything in the journal up to {@code lastId}, once the writer has written it. */
  private static List<BootEvent> journaled(EventLog log, long lastId) throws Exception {
    try (EventCursor cursor = log.subscribe(0)) {
      return readUntil(cursor, lastId);
    }
  }

  @Test
  void eventsBeforeTheJournalIsOpenAreJournaledInOrderWithTheirTimesAndIdsAfterTheReplayedOnes() throws Exception {
    try (EventLog before = EventLog.open(stateDir)) { // a journal from before the "crash": ids 1..3
      for (int i = 0; i < 3; i++) {
        before.record("52:54:00:00:00:01", null, EventNames.HTTP_FETCH, Map.of("n", i), "http");
      }
    }
    ManualClock clock = new ManualClock(Instant.parse("2026-11-22T21:00:00Z"));
    CompletableFuture<EventLog> opening = new CompletableFuture<>();
    StartupEventSink sink = new StartupEventSink(opening, clock);
    BootEvent kept = sink.record("52-54-00-00-00-0A", "2001:db8::a", EventNames.FIRMWARE_INIT, Map.of("k", 1), "dhcp6");
    clock.advance(Duration.ofMillis(5));
    sink.record("52:54:00:00:00:0a", null, EventNames.FIRMWARE_INIT, Map.of("k", 2), "dhcp6");
    assertThat(kept.journaled()).isFalse(); // no id yet
    assertThat(sink.pendingCount()).isEqualTo(2);
    assertThatThrownBy(() -> sink.record("not a mac", null, "x", null, null))
        .isInstanceOf(IllegalArgumentException.class); // checked when recorded, as EventLog.record does

    try (EventLog log = EventLog.open(stateDir)) {
      opening.complete(log);
      assertThat(sink.pendingCount()).isZero();
      BootEvent direct = sink.record("52:54:00:00:00:0b", null, EventNames.HTTP_FETCH, null, "http");
      assertThat(direct.id()).isEqualTo(6);

      List<BootEvent> all = journaled(log, 6);
      assertThat(EventTesting.ids(all)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      BootEvent first = all.get(3);
      assertThat(first.mac()).isEqualTo("52:54:00:00:00:0a");
      assertThat(first.ip()).isEqualTo("2001:db8::a");
      assertThat(first.timestamp()).isEqualTo(Instant.parse("2026-11-22T21:00:00Z")); // when it happened
      assertThat(first.detail()).isEqualTo(Map.of("k", 1));
      assertThat(all.get(4).timestamp()).isEqualTo(Instant.parse("2026-11-22T21:00:00.005Z"));
      assertThat(all.get(4).detail()).containsEntry(StageProgress.REPEAT, true); // markers as if recorded directly
    }
  }

  @Test
  void whenFullACallerWaitsForTheJournalAndComesAfterTheKeptEvents() throws Exception {
    CompletableFuture<EventLog> opening = new CompletableFuture<>();
    StartupEventSink sink = new StartupEventSink(opening);
    for (int i = 0; i < StartupEventSink.MAX_PENDING; i++) {
      sink.record(null, null, EventNames.HTTP_FETCH, Map.of("n", i), "http");
    }
    CompletableFuture<BootEvent> waiting = CompletableFuture.supplyAsync(
        () -> sink.record(null, null, EventNames.HTTP_FETCH, Map.of("n", -1), "http"));
    Thread.sleep(200);
    assertThat(waiting).isNotDone();
    try (EventLog log = EventLog.open(stateDir)) {
      opening.complete(log);
      BootEvent last = waiting.get();
      assertThat(last.id()).isEqualTo(StartupEventSink.MAX_PENDING + 1);
      List<BootEvent> all = journaled(log, StartupEventSink.MAX_PENDING + 1);
      assertThat(all).hasSize(StartupEventSink.MAX_PENDING + 1);
      for (int i = 0; i < StartupEventSink.MAX_PENDING; i++) {
        assertThat(all.get(i).detail()).isEqualTo(Map.of("n", i));
      }
    }
  }

  @Test
  void aJournalThatCannotBeOpenedFailsTheCallersAsBefore() {
    CompletableFuture<EventLog> opening = new CompletableFuture<>();
    StartupEventSink sink = new StartupEventSink(opening);
    sink.record(null, null, EventNames.HTTP_FETCH, null, "http");
    opening.completeExceptionally(new IOException("event journal is already open"));
    assertThat(sink.pendingCount()).isZero();
    assertThatThrownBy(() -> sink.record(null, null, EventNames.HTTP_FETCH, null, "http"))
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("event journal is already open");
  }
}
