package dev.bootline.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One step of one machine's boot, as journaled.
 *
 * @param id monotonic, assigned by {@link EventLog}; ids continue across restarts. {@link #NOT_JOURNALED} (0) on an
 *     event that {@link EventLog#record} could not hand to the journal (see {@link EventLog.Options#handoffMaxWait}).
 * @param timestamp when it was recorded (ISO-8601 UTC in JSON)
 * @param mac normalised lower-case {@code aa:bb:cc:dd:ee:ff}; null for events not tied to a machine
 * @param ip the client's address when known, else null
 * @param name what happened, e.g. {@link EventNames#FIRMWARE_INIT}
 * @param detail ordered, unmodifiable, JSON-shaped values (String, Integer/Long, Double, Boolean, null, List, Map)
 * @param server which server instance emitted it, e.g. {@code dhcp6@br0}; may be null
 */
public record BootEvent(
    long id, Instant timestamp, String mac, String ip, String name, Map<String, Object> detail, String server) {

  /** The id of an event that was not journaled because the writer's handoff stayed full. */
  public static final long NOT_JOURNALED = 0;

  public BootEvent {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(name, "name");
    detail = detail == null ? Map.of() : detail;
  }

  /** True if this event reached the journal (and therefore subscribers). */
  public boolean journaled() {
    return id != NOT_JOURNALED;
  }

  /**
   * Normalises a hardware address to lower-case colon-separated octets ({@code aa:bb:cc:dd:ee:ff}). Accepts colons,
   * dashes, dots or no separators, any case. Lengths other than 6 octets (e.g. InfiniBand) are kept as given.
   *
   * @return the normalised address, or null for null
   * @throws IllegalArgumentException if it is not 1..20 octets of hex
   */
  public static String normaliseMac(String mac) {
    if (mac == null) {
      return null;
    }
    if (isNormalised(mac)) {
      return mac; // the usual case (MacAddress.toString): no copies on the packet thread
    }
    StringBuilder hex = new StringBuilder(12);
    for (int i = 0; i < mac.length(); i++) {
      char c = mac.charAt(i);
      if (c == ':' || c == '-' || c == '.') {
        continue;
      }
      boolean asciiHex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!asciiHex) { // Character.digit would let other scripts' digits into journal keys
        throw new IllegalArgumentException("not a hardware address: " + mac);
      }
      hex.append(Character.toLowerCase(c));
    }
    if (hex.isEmpty() || hex.length() % 2 != 0 || hex.length() > 40) {
      throw new IllegalArgumentException("not a hardware address: " + mac);
    }
    StringBuilder out = new StringBuilder(hex.length() * 3 / 2);
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        out.append(':');
      }
      out.append(hex, i, i + 2);
    }
    return out.toString();
  }

  /** Already {@code aa:bb:..}: 1..20 octets of lower-case hex pairs joined by colons. */
  private static boolean isNormalised(String mac) {
    int n = mac.length();
    if (n < 2 || n > 59 || n % 3 != 2) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = mac.charAt(i);
      boolean ok = i % 3 == 2 ? c == ':' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
