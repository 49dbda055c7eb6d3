package dev.bootline.dhcp4;

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

  public static Optional<Dhcp4MessageType> of(int code) {
    for (Dhcp4MessageType t : values()) {
      if (t.code == code) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
