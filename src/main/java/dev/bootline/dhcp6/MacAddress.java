package dev.bootline.dhcp6;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * A 48-bit Ethernet MAC address. {@link #toString()} is lower-case {@code aa:bb:cc:dd:ee:ff}; {@link #parse} also
 * accepts {@code aa-bb-cc-dd-ee-ff}, {@code aabb.ccdd.eeff} and {@code aabbccddeeff}, in either case.
 *
 * @param value the address in the low 48 bits
 */
public record MacAddress(long value) implements Comparable<MacAddress> {
  private static final long MASK = 0xffff_ffff_ffffL;

  public MacAddress {
    if ((value & ~MASK) != 0) {
      throw new IllegalArgumentException("MAC address value out of 48-bit range: " + Long.toHexString(value));
    }
  }

  /** From exactly 6 bytes. */
  public static MacAddress of(byte[] bytes) {
    if (bytes.length != 6) {
      throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
    }
    return of(bytes, 0);
  }

  /** From 6 bytes of {@code bytes} starting at {@code offset}. */
  public static MacAddress of(byte[] bytes, int offset) {
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | (bytes[offset + i] & 0xff);
    }
    return new MacAddress(v);
  }

  public static MacAddress parse(String text) {
    return tryParse(text).orElseThrow(() -> new IllegalArgumentException("not a MAC address: '" + text + "'"));
  }

  /** Like {@link #parse} but empty for anything that is not a MAC address in one of the accepted forms. */
  public static Optional<MacAddress> tryParse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.strip();
    String hex;
    if (s.length() == 17 && sepEvery(s, 2, ':')) {
      hex = s.replace(":", "");
    } else if (s.length() == 17 && sepEvery(s, 2, '-')) {
      hex = s.replace("-", "");
    } else if (s.length() == 14 && sepEvery(s, 4, '.')) {
      hex = s.replace(".", "");
    } else if (s.length() == 12) {
      hex = s;
    } else {
      return Optional.empty();
    }
    if (hex.length() != 12) {
      return Optional.empty();
    }
    long v = 0;
    for (int i = 0; i < 12; i++) {
      int d = Character.digit(hex.charAt(i), 16);
      if (d < 0 || hex.charAt(i) > 0x7f) {
        return Optional.empty();
      }
      v = (v << 4) | d;
    }
    return Optional.of(new MacAddress(v));
  }

  /** True when {@code s} has {@code sep} after every group of {@code group} characters and nowhere else. */
  private static boolean sepEvery(String s, int group, char sep) {
    for (int i = 0; i < s.length(); i++) {
      boolean sepPos = (i + 1) % (group + 1) == 0;
      if ((s.charAt(i) == sep) != sepPos) {
        return false;
      }
    }
    return true;
  }

  public byte[] bytes() {
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (value >>> (8 * (5 - i)));
    }
    return b;
  }

  /** The I/G bit: a group (multicast/broadcast) address. */
  public boolean isMulticast() {
    return (value & 0x0100_0000_0000L) != 0;
  }

  /** The U/L bit: a locally administered address. */
  public boolean isLocallyAdministered() {
    return (value & 0x0200_0000_0000L) != 0;
  }

  /** Twelve lower-case hex digits without separators, e.g. {@code 525400123456}. */
  public String toHex() {
    return HexFormat.of().formatHex(bytes());
  }

  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(bytes()).toLowerCase(Locale.ROOT);
  }

  @Override
  public int compareTo(MacAddress o) {
    return Long.compare(value, o.value);
  }
}
