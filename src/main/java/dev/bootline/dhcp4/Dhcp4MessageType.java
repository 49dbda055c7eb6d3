package dev.bootline.dhcp4;

import java.util.Arrays;
import java.util.Optional;

/** Option 53 values (RFC 2132 §9.6). */
public enum Dhcp4MessageType {
  DISCOVER(1),
  OFFER(2),
  REQUEST(3),
  DECLINE(4),
  ACK(5),
  NAK(6),
  RELEASE(7),
  INFORM(8);

  private final int code;

  Dhcp4MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Optional.of(type) by code, built once: messageType() is asked several times per packet. */
  private static final Optional<Dhcp4MessageType>[] BY_CODE = byCode();

  @SuppressWarnings("unchecked")
  private static Optional<Dhcp4MessageType>[] byCode() {
    Optional<Dhcp4MessageType>[] a = new Optional[256];
    Arrays.fill(a, Optional.empty());
    for (Dhcp4MessageType t : values()) {
      if (t.code >= 0 && t.code < 256 && a[t.code].isEmpty()) { // the first of a code wins, as the loop did
        a[t.code] = Optional.of(t);
      }
    }
    return a;
  }

  public static Optional<Dhcp4MessageType> of(int code) {
    return code >= 0 && code < 256 ? BY_CODE[code] : Optional.empty();
  }
}
