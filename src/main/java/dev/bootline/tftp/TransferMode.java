package dev.bootline.tftp;

import java.util.Locale;
import java.util.Optional;

/** RFC 1350 transfer modes bootline serves; "mail" is obsolete and refused at decode time. */
public enum TransferMode {
  /** Raw bytes. */
  OCTET("octet"),
  /** Text with CR LF line ends: LF becomes CR LF and a bare CR becomes CR NUL on the wire. */
  NETASCII("netascii");

  public final String wireName;

  TransferMode(String wireName) {
    this.wireName = wireName;
  }

  /** Modes are case-insensitive on the wire ("OCTET", "Octet" and "octet" are the same). */
  public static Optional<TransferMode> fromWire(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (TransferMode m : values()) {
      if (m.wireName.equals(n)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
