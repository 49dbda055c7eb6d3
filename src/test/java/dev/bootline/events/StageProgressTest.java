package dev.bootline.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** repeat_event and jump_to markers, as recorded by the event log for every protocol. */
@Timeout(120)
class StageProgressTest {
  static final String A = "52:54:00:12:34:56";
  static final String B = "52:54:00:aa:bb:cc";

  @TempDir Path stateDir;

  /** "name" plus " repeat" / " jump_to=<stage>" markers, one string per event, for readable assertions. */
  static String marks(BootEvent e) {
    StringBuilder s = new StringBuilder(e.name());
    if (Boolean.TRUE.equals(e.detail().get("repeat_event"))) {
      s.append(" repeat");
    }
    if (e.detail().containsKey("jump_to")) {
      s.append(" jump_to=").append(e.detail().get("jump_to"));
    }
    return s.toString();
  }

  long lastRecorded;

  void rec(EventLog log, String mac, String name, Map<String, ?> detail, String server) {
    BootEvent e = log.record(mac, null, name, detail, server);
    assertThat(e.journaled()).isTrue();
    lastRecorded = e.id();
  }

  List<String> timeline(EventLog log, String mac) throws Exception {
    assertThat(log.awaitJournaled(lastRecorded, Duration.ofSeconds(30))).isTrue();
    return log.timeline(mac).stream().map(StageProgressTest::marks).toList();
  }

  @Test
  void aBootLoopIsARunOfRepeats() throws Exception {
    try (EventLog log = EventLog.open(stateDir)) {
      rec(log, A, "firmware_init", Map.of(), "dhcp6");
      for (int i = 0; i < 4; i++) {
        rec(log, A, "point_pxe_to_ipxe_over_tftp", Map.of("try", i), "dhcp6");
      }
      assertThat(timeline(log, A))
          .containsExactly(
              "firmware_init",
              "point_pxe_to_ipxe_over_tftp",
              "point_pxe_to_ipxe_over_tftp repeat",
              "point_pxe_to_ipxe_over_tftp repeat",
              "point_pxe_to_ipxe_over_tftp repeat");
      // the caller's own detail is kept beside the marker
      assertThat(log.timeline(A).getLast().detail()).containsEntry("try", 3).containsEntry("repeat_event", true);
    }
  }

  @Test
  void skippingAheadIsAJumpAndANormalBootHasNoMarkers() throws Exception {
    try (EventLog log = EventLog.open(stateDir)) {
      for (String s : StageProgress.ORDER) {
        rec(log, B, s, null, "x");
      }
      rec(log, A, "firmware_init", null, "dhcp6");
      rec(log, A, "point_ipxe_to_http_boot", null, "dhcp6");
      rec(log, A, "http_fetch", Map.of("file", "boot.ipxe"), "http"); // not a stage: no marker, no reset
      rec(log, A, "point_ipxe_to_http_boot", null, "dhcp6");
      rec(log, A, "firmware_init", null, "dhcp6"); // reboot: back to an earlier stage is no jump
      assertThat(timeline(log, B)).containsExactlyElementsOf(StageProgress.ORDER);
      assertThat(timeline(log, A))
          .containsExactly(
              "firmware_init",
              "point_ipxe_to_http_boot jump_to=point_ipxe_to_http_boot",
              "http_fetch",
              "point_ipxe_to_http_boot repeat",
              "firmware_init");
      assertThat(log.timeline(A).get(1).detail()).containsEntry("jump_from", "firmware_init");
    }
  }

  @Test
  void machinesAreTrackedSeparatelyAndTheOldSpellingIsTheSameStage() throws Exception {
    try (EventLog log = EventLog.open(stateDir)) {
      rec(log, A, "serve_ipxe_over_tftp", null, "tftp");
      rec(log, B, "serve_ipxe_over_tftp", null, "tftp");
      rec(log, A, "served_ipxe_over_tftp", null, "tftp");
      assertThat(timeline(log, A)).containsExactly("serve_ipxe_over_tftp", "served_ipxe_over_tftp repeat");
      assertThat(timeline(log, B)).containsExactly("serve_ipxe_over_tftp");
    }
  }

  @Test
  void aRepeatRightAfterARestartIsStillARepeat() throws Exception {
    try (EventLog log = EventLog.open(stateDir)) {
      rec(log, A, "http_boot", null, "dhcp6");
      assertThat(timeline(log, A)).containsExactly("http_boot");
    }
    try (EventLog log = EventLog.open(stateDir)) {
      rec(log, A, "http_boot", null, "dhcp6");
      assertThat(timeline(log, A)).containsExactly("http_boot", "http_boot repeat");
    }
  }

  @Test
  void unitLevelMarkersAndForgettingTheLeastRecentlySeen() {
    StageProgress p = new StageProgress(1);
    assertThat(p.annotate(A, "init", Map.of())).isEmpty();
    assertThat(p.annotate(A, "init", Map.of())).containsEntry("repeat_event", true);
    assertThat(p.annotate(null, "init", Map.of())).isEmpty();
    assertThat(p.annotate(B, "os_init", Map.of())).isEmpty(); // B evicts A (max 1 machine)
    assertThat(p.annotate(A, "os_init", Map.of())).isEmpty(); // A is new again: no jump claimed
    assertThat(p.annotate(A, "jump_to", Map.of())).isEmpty(); // the marker's own name is no stage to repeat
    assertThat(p.annotate(A, "jump_to", Map.of())).isEmpty();
  }
}
