package dev.bootline.wire;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/** A 48-bit Ethernet MAC address; {@link #toString()} is the canonical lower-case {@code aa:bb:cc:dd:ee:ff}. */
public record MacAddress(long bits) implements Comparable<MacAddress> {

  public MacAddress {
    if ((bits & ~0xffff_ffff_ffffL) != 0) {
      throw new IllegalArgumentException("a MAC address has 48 bits");
    }
  }

  public static MacAddress of(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return new MacAddress(v);
  }

  public static MacAddress of(byte[] b) {
    if (b.length != 6) {
      throw new IllegalArgumentException("a MAC address has 6 bytes, got " + b.length);
    }
    return of(b, 0);
  }

  /**
   * Parses any common notation: {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-cc-dd-ee-ff}, {@code aabb.ccdd.eeff}, {@code
   * aabbccddeeff}, any case.
   */
  public static Optional<MacAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.strip();
    String hex;
    if (t.length() == 17 && (sepEvery(t, 2, ':') || sepEvery(t, 2, '-'))) {
      hex = t.replace(":", "").replace("-", "");
    } else if (t.length() == 14 && sepEvery(t, 4, '.')) {
      hex = t.replace(".", "");
    } else if (t.length() == 12) {
      hex = t;
    } else {
      return Optional.empty();
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      boolean ascii = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ascii) { // Character.digit would accept other scripts' digits
        return Optional.empty();
      }
    }
    return Optional.of(new MacAddress(Long.parseLong(hex, 16)));
  }

  private static boolean sepEvery(String t, int group, char sep) {
    for (int i = group; i < t.length(); i += group + 1) {
      if (t.charAt(i) != sep) {
        return false;
      }
    }
    return true;
  }

  public byte[] bytes() {
    byte[] b = new byte[6];
    for (int i = 5; i >= 0; i--) {
      b[i] = (byte) (bits >>> (8 * (5 - i)));
    }
    return b;
  }

  /** The I/G bit: a group (multicast/broadcast) address. */
  public boolean isMulticast() {
    return (bits & 0x0100_0000_0000L) != 0;
  }

  /** The U/L bit: a locally administered address. */
  public boolean isLocallyAdministered() {
    return (bits & 0x0200_0000_0000L) != 0;
  }

  /** Twelve lower-case hex digits without separators, e.g. {@code 525400123456}. */
  public String toHex() {
    return HexFormat.of().formatHex(bytes());
  }

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @Override
  public String toString() {
    byte[] b = new byte[17]; // one array and one string: no HexFormat, substring or StringBuilder
    for (int i = 0; i < 6; i++) {
      int octet = (int) (bits >>> (8 * (5 - i))) & 0xff;
      b[3 * i] = HEX_DIGITS[octet >>> 4];
      b[3 * i + 1] = HEX_DIGITS[octet & 0xf];
      if (i < 5) {
        b[3 * i + 2] = ':';
      }
    }
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Override
  public int compareTo(MacAddress o) {
    return Long.compare(bits, o.bits);
  }
}
