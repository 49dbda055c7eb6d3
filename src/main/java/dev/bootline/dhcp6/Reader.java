package dev.bootline.dhcp6;

import dev.bootline.wire.MalformedPacketException;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.net.UnknownHostException;

/** A bounds-checked big-endian cursor over {@code [pos, limit)} of a byte array; every overrun is a parse error. */
final class Reader {
  private final byte[] buf;
  private int pos;
  private final int limit;
  private final String overrunReason;

  Reader(byte[] buf, int offset, int length, String overrunReason) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
    this.overrunReason = overrunReason;
  }

  int remaining() {
    return limit - pos;
  }

  boolean hasRemaining() {
    return pos < limit;
  }

  private void need(int n) throws MalformedPacketException {
    if (n < 0 || n > limit - pos) {
      throw new MalformedPacketException(
          overrunReason, "need " + n + " bytes at offset " + pos + ", have " + (limit - pos));
    }
  }

  int u8() throws MalformedPacketException {
    need(1);
    return buf[pos++] & 0xff;
  }

  int u16() throws MalformedPacketException {
    need(2);
    int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  int u24() throws MalformedPacketException {
    need(3);
    int v = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
    pos += 3;
    return v;
  }

  long u32() throws MalformedPacketException {
    need(4);
    long v =
        ((long) (buf[pos] & 0xff) << 24)
            | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8)
            | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  Bytes bytes(int n) throws MalformedPacketException {
    need(n);
    Bytes b = Bytes.of(buf, pos, n);
    pos += n;
    return b;
  }

  Bytes rest() {
    Bytes b = Bytes.of(buf, pos, limit - pos);
    pos = limit;
    return b;
  }

  Inet6Address ipv6() throws MalformedPacketException {
    need(16);
    byte[] a = new byte[16];
    System.arraycopy(buf, pos, a, 0, 16);
    pos += 16;
    return toInet6(a);
  }

  /** A sub-reader over the next {@code n} bytes (which this reader skips), reporting overruns as {@code reason}. */
  Reader slice(int n, String reason) throws MalformedPacketException {
    need(n);
    Reader r = new Reader(buf, pos, n, reason);
    pos += n;
    return r;
  }

  static Inet6Address toInet6(byte[] sixteen) {
    try {
      // This overload always yields an Inet6Address, also for IPv4-mapped addresses.
      return Inet6Address.getByAddress(null, sixteen, (NetworkInterface) null);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("an IPv6 address has 16 bytes", e);
    }
  }
}
