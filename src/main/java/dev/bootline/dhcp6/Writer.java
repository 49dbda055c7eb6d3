package dev.bootline.dhcp6;

import java.util.Arrays;

/** A growable big-endian byte buffer for encoding. */
final class Writer {
  private byte[] buf = new byte[256];
  private int len;

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  int position() {
    return len;
  }

  void u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
  }

  void u16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  void u24(int v) {
    ensure(3);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  void u32(long v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  void bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  /** Writes a placeholder u16 length and returns its position for {@link #endLength}. */
  int beginLength() {
    u16(0);
    return len;
  }

  /** Back-patches the u16 length started at {@code start}; fails when the content outgrew 65535 bytes. */
  void endLength(int start, int optionCode) {
    int n = len - start;
    if (n > 0xffff) {
      throw new IllegalArgumentException("option " + optionCode + " is " + n + " bytes, more than 65535");
    }
    buf[start - 2] = (byte) (n >>> 8);
    buf[start - 1] = (byte) n;
  }

  /** Starts over, keeping the array (a reused writer). */
  void reset() {
    len = 0;
  }

  /** The array written so far ({@link #position()} bytes of it); valid until the next write or reset. */
  byte[] array() {
    return buf;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
