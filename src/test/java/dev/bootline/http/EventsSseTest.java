package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.BootlineConfig.IpxeTarget;
import dev.bootline.events.BootEvent;
import dev.bootline.events.EventLog;
import dev.bootline.events.EventNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** /events over HTTP on loopback: snapshot and live shapes, MAC filter, Last-Event-ID resume, restarts. */
@Timeout(120) // a safety net against a hung stream, not a timing assertion
class EventsSseTest {
  static final String A = "52:54:00:12:34:56";
  static final String B = "52:54:00:aa:bb:cc";

  @TempDir Path stateDir;
  EventLog log;
  AdminServer admin;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (log != null) {
      log.close();
    }
  }

  void startAdmin() throws Exception {
    admin = new AdminServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), log,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    admin.start();
  }

  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + admin.ports().getFirst() + pathAndQuery;
  }

  SseClient connect(String pathAndQuery, String... headers) throws Exception {
    SseClient c = SseClient.http(client, url(pathAndQuery), headers);
    open.add(c);
    assertThat(c.status).isEqualTo(200);
    assertThat(c.contentType).startsWith("text/event-stream");
    return c;
  }

  BootEvent record(String mac, String ip, String name) throws Exception {
    BootEvent e = log.record(mac, ip, name, Map.of("file", "ipxe.efi", "bytes", 1024), "dhcp6@br0");
    assertThat(log.awaitJournaled(e.id(), Duration.ofSeconds(30))).isTrue();
    return e;
  }

  @Test
  void snapshotOfAllMachinesThenLiveEventsInDhcpv6macdShape() throws Exception {
    log = EventLog.open(stateDir);
    startAdmin();
    record("52-54-00-12-34-56", null, EventNames.INIT);
    record(A, "2001:db8::5254:12:3456", EventNames.POINT_PXE_TO_IPXE_OVER_TFTP);
    record(B, null, EventNames.HTTP_BOOT);

    SseClient sse = connect("/events");
    SseClient.Message snap = sse.snapshot();
    assertThat(snap.idNumber()).isEqualTo(3);
    JsonNode all = snap.json();
    assertThat(names(all)).containsExactlyInAnyOrder(A, B);
    JsonNode a = all.get(A);
    assertThat(a.get("Mac").asText()).isEqualTo(A);
    assertThat(a.get("Events").findValuesAsText("event"))
        .containsExactly(EventNames.INIT, EventNames.POINT_PXE_TO_IPXE_OVER_TFTP);
    assertThat(a.get("Events").get(0).get("timestamp").asText()).endsWith("Z");
    assertThat(a.get("ip").asText()).isEqualTo("2001:db8::5254:12:3456");
    assertThat(a.get("stage").asText()).isEqualTo(EventNames.POINT_PXE_TO_IPXE_OVER_TFTP);
    assertThat(all.get(B).get("Events").findValuesAsText("event")).containsExactly(EventNames.HTTP_BOOT);

    BootEvent live = record(A, "2001:db8::5254:12:3456", EventNames.SERVE_IPXE_OVER_TFTP);
    SseClient.Message m = sse.nextData();
    assertThat(m.idNumber()).isEqualTo(live.id()).isEqualTo(4);
    JsonNode j = m.json();
    assertThat(j.get("mac").asText()).isEqualTo(A);
    JsonNode ev = j.get("event");
    assertThat(ev.get("event").asText()).isEqualTo(EventNames.SERVE_IPXE_OVER_TFTP);
    assertThat(ev.get("timestamp").asText()).isEqualTo(live.timestamp().toString());
    assertThat(ev.get("id").asLong()).isEqualTo(4);
    assertThat(ev.get("ip").asText()).isEqualTo("2001:db8::5254:12:3456");
    assertThat(ev.get("detail").get("file").asText()).isEqualTo("ipxe.efi");
    assertThat(ev.get("detail").get("bytes").asInt()).isEqualTo(1024);
    assertThat(ev.get("server").asText()).isEqualTo("dhcp6@br0");

    BootEvent other = record(B, null, EventNames.OS_INIT);
    assertThat(sse.nextData().json().get("mac").asText()).isEqualTo(B);
    assertThat(other.id()).isEqualTo(5);
  }

  @Test
  void macFilterInAnotherNotationGivesThatMachineAndOnlyItsLiveEvents() throws Exception {
    log = EventLog.open(stateDir);
    startAdmin();
    record(A, null, EventNames.INIT);
    record(B, null, EventNames.INIT);

    SseClient sse = connect("/events?mac=5254.0012.3456");
    SseClient.Message snap = sse.snapshot();
    JsonNode one = snap.json();
    assertThat(one.get("Mac").asText()).as("the machine's object itself, not keyed").isEqualTo(A);
    assertThat(one.get("Events").findValuesAsText("event")).containsExactly(EventNames.INIT);

    record(B, null, EventNames.HTTP_BOOT);
    record(B, null, EventNames.OS_INIT);
    BootEvent mine = record("52:54:00:12:34:56", null, EventNames.HTTP_BOOT);
    SseClient.Message m = sse.nextData();
    assertThat(m.idNumber()).isEqualTo(mine.id());
    assertThat(m.json().get("mac").asText()).isEqualTo(A);
    assertThat(m.json().get("event").get("event").asText()).isEqualTo(EventNames.HTTP_BOOT);
  }

  @Test
  void unknownMacGivesNullSnapshotAndBadMacIsRejected() throws Exception {
    log = EventLog.open(stateDir);
    startAdmin();
    record(A, null, EventNames.INIT);

    SseClient unknown = connect("/events?mac=02-00-00-00-00-99");
    SseClient.Message snap = unknown.snapshot();
    assertThat(snap.data()).isEqualTo("null");
    assertThat(snap.idNumber()).isEqualTo(1);
    // Its first boot event then arrives live.
    BootEvent first = record("02:00:00:00:00:99", null, EventNames.FIRMWARE_INIT);
    assertThat(unknown.nextData().idNumber()).isEqualTo(first.id());

    SseClient bad = SseClient.http(client, url("/events?mac=not-a-mac"));
    open.add(bad);
    assertThat(bad.status).isEqualTo(400);
  }

  @Test
  void lastEventIdResumesWithExactlyTheLaterEventsAndNoSnapshot() throws Exception {
    log = EventLog.open(stateDir);
    startAdmin();
    SseClient first = connect("/events");
    assertThat(first.snapshot().idNumber()).isZero();
    for (int i = 0; i < 5; i++) {
      record(A, null, "step_" + i);
    }
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      seen.add(first.nextData().idNumber());
    }
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
    first.close();
    open.remove(first);
    record(B, null, "after_1");
    record(A, null, "after_2");

    SseClient resumed = connect("/events", "Last-Event-ID", "3");
    assertThat(resumed.next().retry()).isEqualTo("3000");
    assertThat(readIds(resumed, 7)).containsExactly(4L, 5L, 6L, 7L);

    // Filtered resume: only A's events after 3.
    SseClient filtered = connect("/events?mac=" + A, "Last-Event-ID", "3");
    assertThat(filtered.next().retry()).isEqualTo("3000");
    assertThat(readIds(filtered, 7)).containsExactly(4L, 5L, 7L);
  }

  @Test
  void lastEventIdResumesAcrossAServerRestart() throws Exception {
    log = EventLog.open(stateDir);
    startAdmin();
    for (int i = 1; i <= 4; i++) {
      record(A, null, "before_restart_" + i);
    }
    SseClient sse = connect("/events");
    assertThat(sse.snapshot().idNumber()).isEqualTo(4);
    record(A, null, "before_restart_5");
    assertThat(sse.nextData().idNumber()).isEqualTo(5);

    // Restart: stop the server, close the log, reopen it from the same directory, start a new server.
    admin.close();
    admin = null;
    log.close();
    log = EventLog.open(stateDir);
    startAdmin();
    assertThat(sse.next()).as("the old stream ended with its server").isNull();
    BootEvent after = record(B, null, "after_restart");
    assertThat(after.id()).isEqualTo(6);

    SseClient resumed = connect("/events", "Last-Event-ID", "2");
    assertThat(resumed.next().retry()).isEqualTo("3000");
    List<SseClient.Message> msgs = new ArrayList<>();
    while (msgs.isEmpty() || msgs.getLast().idNumber() < 6) {
      msgs.add(resumed.nextData());
    }
    assertThat(msgs).extracting(SseClient.Message::idNumber).containsExactly(3L, 4L, 5L, 6L);
    assertThat(msgs.getFirst().json().get("event").get("event").asText()).isEqualTo("before_restart_3");
    assertThat(msgs.getLast().json().get("mac").asText()).isEqualTo(B);
  }

  @Test
  void lastEventIdNewerThanTheJournalGivesASnapshot() throws Exception {
    log = EventLog.open(stateDir);
    startAdmin();
    record(A, null, EventNames.INIT);
    SseClient sse = connect("/events", "Last-Event-ID", "999"); // a client of a journal since wiped
    SseClient.Message snap = sse.snapshot();
    assertThat(snap.idNumber()).isEqualTo(1);
    assertThat(snap.json().get(A).get("Mac").asText()).isEqualTo(A);
  }

  @Test
  void lastEventIdOlderThanRetentionGivesAFreshSnapshot() throws Exception {
    log = EventLog.open(stateDir, java.time.Clock.systemUTC(),
        EventLog.Options.defaults().withSegments(1024, 2).withRecentEvents(16));
    startAdmin();
    long last = 0;
    for (int i = 0; i < 200; i++) {
      last = log.record(i % 2 == 0 ? A : B, null, "step", Map.of("pad", "x".repeat(64)), "test").id();
    }
    assertThat(log.awaitJournaled(last, Duration.ofSeconds(30))).isTrue();
    assertThat(log.oldestId()).as("retention deleted the oldest events").isGreaterThan(2);

    SseClient sse = connect("/events", "Last-Event-ID", "1");
    SseClient.Message snap = sse.snapshot();
    assertThat(snap.idNumber()).isEqualTo(last);
    assertThat(names(snap.json())).containsExactlyInAnyOrder(A, B);
    BootEvent next = record(A, null, EventNames.OS_INIT);
    assertThat(sse.nextData().idNumber()).isEqualTo(next.id());
  }

  @Test
  void bootPlaneServesTheSameStreamWithHeartbeats() throws Exception {
    log = EventLog.open(stateDir);
    record(A, null, EventNames.INIT);
    Path ipxe = java.nio.file.Files.write(stateDir.resolve("ipxe.efi"), new byte[] {'M', 'Z'});
    EventsSse events = new EventsSse(log, Duration.ofMillis(50));
    open.add(events);
    BootHttpServer boot = new BootHttpServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)),
        Optional.empty(), new IpxeCatalog(Map.of(IpxeTarget.X86_64_EFI, ipxe)), (mac, remote, path, sent, total, state) -> {});
    boot.addRoute(events);
    boot.start();
    open.add(boot);
    SseClient sse = SseClient.http(client, "http://127.0.0.1:" + boot.ports().getFirst() + "/events?mac=" + A);
    open.add(sse);
    assertThat(sse.contentType).startsWith("text/event-stream");
    assertThat(sse.snapshot().json().get("Mac").asText()).isEqualTo(A);
    SseClient.Message beat = sse.next();
    assertThat(beat.comments()).containsExactly("keepalive");
    assertThat(beat.data()).isNull();
    assertThat(beat.id()).isNull();
    // The boot plane's own routes still work beside it.
    SseClient file = SseClient.http(client, "http://127.0.0.1:" + boot.ports().getFirst() + "/ipxe/" + A + "/ipxe.efi");
    open.add(file);
    assertThat(file.status).isEqualTo(200);
  }

  @Test
  void stoppingTheBootPlaneEndsItsOpenStreams() throws Exception {
    log = EventLog.open(stateDir);
    Path ipxe = java.nio.file.Files.write(stateDir.resolve("ipxe.efi"), new byte[] {'M', 'Z'});
    EventsSse events = new EventsSse(log);
    open.add(events);
    BootHttpServer boot = new BootHttpServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)),
        Optional.empty(), new IpxeCatalog(Map.of(IpxeTarget.X86_64_EFI, ipxe)), (mac, remote, path, sent, total, state) -> {});
    boot.addRoute(events);
    boot.start();
    SseClient sse = SseClient.raw(boot.ports().getFirst(), "/events", s -> {});
    open.add(sse);
    sse.snapshot();
    boot.close(); // the daemon stops the boot plane before the admin server that owns the streams
    SseClient.Message m;
    try {
      m = sse.next();
    } catch (java.io.IOException reset) {
      m = null;
    }
    assertThat(m).as("the client sees its stream end and can reconnect").isNull();
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  static List<Long> readIds(SseClient sse, long untilId) throws Exception {
    List<Long> ids = new ArrayList<>();
    while (ids.isEmpty() || ids.getLast() < untilId) {
      SseClient.Message m = sse.nextData();
      assertThat(m.json().has("event")).as("a live event, not a snapshot: %s", m.data()).isTrue();
      ids.add(m.idNumber());
    }
    return ids;
  }
}
