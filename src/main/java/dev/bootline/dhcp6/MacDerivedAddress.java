package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** dhcpv6macd's addressing: the first 80 bits of the base address followed by the client's 48-bit MAC. */
public record MacDerivedAddress(byte[] prefix80) {
  public MacDerivedAddress {
    if (prefix80.length != 10) {
      throw new IllegalArgumentException("a /80 prefix has 10 bytes");
    }
    prefix80 = prefix80.clone();
  }

  public static MacDerivedAddress of(Inet6Address base) {
    byte[] a = base.getAddress();
    byte[] p = new byte[10];
    System.arraycopy(a, 0, p, 0, 10);
    return new MacDerivedAddress(p);
  }

  public Inet6Address addressOf(MacAddress mac) {
    byte[] a = new byte[16];
    System.arraycopy(prefix80, 0, a, 0, 10);
    System.arraycopy(mac.bytes(), 0, a, 10, 6);
    try {
      return (Inet6Address) InetAddress.getByAddress(a);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 16 bytes is always a valid IPv6 address
    }
  }

  /** The address is in our /80. */
  public boolean contains(Inet6Address a) {
    byte[] b = a.getAddress();
    for (int i = 0; i < 10; i++) {
      if (b[i] != prefix80[i]) {
        return false;
      }
    }
    return true;
  }
}
