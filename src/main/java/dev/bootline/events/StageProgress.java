package dev.bootline.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * dhcpv6macd's progress markers, added to an event's detail when it is recorded (so every protocol gets them):
 *
 * <ul>
 *   <li>{@code repeat_event: true} — the machine reports the stage it is already in (a boot loop shows as a run of
 *       repeats rather than a machine that looks like it is progressing)
 *   <li>{@code jump_to: <stage>} (and {@code jump_from}) — it skipped ahead over at least one stage of {@link #ORDER},
 *       e.g. from {@code firmware_init} straight to {@code point_ipxe_to_http_boot}
 * </ul>
 *
 * Going back to an earlier stage (a reboot) gets no marker. Remembers the last stage of at most {@code maxMachines}
 * machines, least recently seen forgotten first. Not thread-safe: {@link EventLog#record} calls it under its handoff
 * lock, which is also what orders ids, so markers agree with the order subscribers see.
 */
final class StageProgress {
  /** The boot stages in order (design §4). */
  static final List<String> ORDER =
      List.of(
          EventNames.INIT,
          EventNames.FIRMWARE_INIT,
          EventNames.POINT_PXE_TO_IPXE_OVER_TFTP,
          EventNames.SERVE_IPXE_OVER_TFTP,
          EventNames.POINT_IPXE_TO_HTTP_BOOT,
          EventNames.HTTP_BOOT,
          EventNames.HTTP_FETCH_UKI,
          EventNames.OS_INIT);

  static final String REPEAT = "repeat_event";
  static final String JUMP_TO = EventNames.JUMP_TO;
  static final String JUMP_FROM = "jump_from";

  private final LinkedHashMap<String, String> lastStage;

  StageProgress(int maxMachines) {
    this.lastStage =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > maxMachines;
          }
        };
  }

  /** Seeds a machine's stage without marking anything (replay at open). */
  void seed(String mac, String stage) {
    if (mac != null && stage != null && tracked(stage)) {
      lastStage.put(mac, canonical(stage));
    }
  }

  /**
   * Returns {@code detail} with the markers this event earns (the same map when none), and remembers its stage.
   *
   * @param mac normalised MAC, or null (never marked)
   */
  Map<String, Object> annotate(String mac, String name, Map<String, Object> detail) {
    if (mac == null || !tracked(name)) {
      return detail;
    }
    String stage = canonical(name);
    String previous = lastStage.put(mac, stage);
    if (previous == null) {
      return detail; // first sight of this machine (or bootline restarted mid-boot): nothing to compare with
    }
    if (previous.equals(stage)) {
      return with(detail, Map.of(REPEAT, true));
    }
    int from = ORDER.indexOf(previous);
    int to = ORDER.indexOf(stage);
    if (from >= 0 && to > from + 1) {
      LinkedHashMap<String, Object> m = new LinkedHashMap<>();
      m.put(JUMP_TO, stage);
      m.put(JUMP_FROM, previous);
      return with(detail, m);
    }
    return detail;
  }

  /** Stages that take part: the ordered ones and the PXE menu steps (repeats only); not the jump_to name itself. */
  private static boolean tracked(String name) {
    return EventNames.STAGES.contains(name) && !name.equals(EventNames.JUMP_TO);
  }

  private static String canonical(String stage) {
    // dhcpv6macd's older spelling is the same stage.
    return stage.equals(EventNames.SERVED_IPXE_OVER_TFTP) ? EventNames.SERVE_IPXE_OVER_TFTP : stage;
  }

  private static Map<String, Object> with(Map<String, Object> detail, Map<String, Object> extra) {
    LinkedHashMap<String, Object> out = new LinkedHashMap<>(detail);
    out.putAll(extra);
    return Collections.unmodifiableMap(out);
  }
}
