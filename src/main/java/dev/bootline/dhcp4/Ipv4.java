package dev.bootline.dhcp4;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 address helpers without name lookups. */
final class Ipv4 {
  static final Inet4Address ANY = of(new byte[4]);

  private Ipv4() {}

  static Inet4Address of(byte[] four) {
    try {
      return (Inet4Address) InetAddress.getByAddress(four);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("IPv4 address needs 4 bytes, got " + four.length, e);
    }
  }

  static Inet4Address of(byte[] b, int offset) {
    if ((b[offset] | b[offset + 1] | b[offset + 2] | b[offset + 3]) == 0) {
      return ANY; // ciaddr/yiaddr/siaddr/giaddr of most requests: no InetAddress per field per packet
    }
    return of(java.util.Arrays.copyOfRange(b, offset, offset + 4));
  }
}
