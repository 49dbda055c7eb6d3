package dev.bootline.dhcp6;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value equality, used for every opaque or textual field read off the wire so that
 * re-encoding is byte-identical whatever the bytes were (invalid UTF-8 included).
 */
public final class Bytes {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  /** A copy of {@code data}. */
  public static Bytes of(byte... data) {
    return data.length == 0 ? EMPTY : new Bytes(data.clone());
  }

  public static Bytes of(byte[] data, int offset, int length) {
    return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, offset, offset + length));
  }

  /** UTF-8 bytes of {@code text}. */
  public static Bytes utf8(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** US-ASCII bytes of {@code text}; rejects non-ASCII characters. */
  public static Bytes ascii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7f) {
        throw new IllegalArgumentException("not ASCII: " + text);
      }
    }
    return of(text.getBytes(StandardCharsets.US_ASCII));
  }

  public static Bytes fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  public int length() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  public int get(int index) {
    return data[index] & 0xff;
  }

  public byte[] toArray() {
    return data.clone();
  }

  /** Decodes as UTF-8 (malformed sequences become U+FFFD). */
  public String utf8() {
    return new String(data, StandardCharsets.UTF_8);
  }

  public String toString(Charset charset) {
    return new String(data, charset);
  }

  public String hex() {
    return HexFormat.of().formatHex(data);
  }

  public boolean startsWith(Bytes prefix) {
    return data.length >= prefix.data.length
        && Arrays.equals(data, 0, prefix.data.length, prefix.data, 0, prefix.data.length);
  }

  /** True when the bytes begin with the ASCII text {@code prefix}. */
  public boolean startsWithAscii(String prefix) {
    if (prefix.length() > data.length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if ((data[i] & 0xff) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  void writeTo(Writer w) {
    w.bytes(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(data, b.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  /** Printable ASCII as a quoted string, anything else as hex. */
  @Override
  public String toString() {
    for (byte b : data) {
      if (b < 0x20 || b > 0x7e) {
        return "0x" + hex();
      }
    }
    return '"' + new String(data, StandardCharsets.US_ASCII) + '"';
  }
}
