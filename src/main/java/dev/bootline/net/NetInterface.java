package dev.bootline.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One network interface as bootline sees it.
 *
 * @param name kernel name, e.g. {@code br0}
 * @param index kernel ifindex (what {@link ReceivedDatagram#ifIndex()} reports)
 * @param mac hardware address as {@code 52:54:00:12:34:56}, empty for interfaces without one (lo, tun)
 * @param mtu bytes
 * @param up administratively and operationally up
 * @param ipv4 IPv4 addresses with prefix length
 * @param ipv6Global IPv6 addresses that are not link-local (global, ULA)
 * @param ipv6LinkLocal the fe80:: address (scoped to this interface), if any
 */
public record NetInterface(
    String name,
    int index,
    Optional<String> mac,
    int mtu,
    boolean up,
    List<Ipv4Address> ipv4,
    List<Ipv6Address> ipv6Global,
    Optional<Inet6Address> ipv6LinkLocal) {

  public NetInterface {
    ipv4 = List.copyOf(ipv4);
    ipv6Global = List.copyOf(ipv6Global);
  }

  /** An IPv4 address with its prefix length, e.g. 192.0.2.1/24. */
  public record Ipv4Address(Inet4Address address, int prefixLength) {
    /** The subnet's directed broadcast address (192.0.2.255 for 192.0.2.1/24). */
    public Inet4Address broadcast() {
      int a = toInt(address.getAddress());
      int hostMask = prefixLength == 0 ? -1 : (prefixLength >= 32 ? 0 : (1 << (32 - prefixLength)) - 1);
      return fromInt(a | hostMask);
    }

    /** True if {@code other} lies in this address's subnet. */
    public boolean contains(Inet4Address other) {
      int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
      return (toInt(address.getAddress()) & mask) == (toInt(other.getAddress()) & mask);
    }

    @Override
    public String toString() {
      return address.getHostAddress() + "/" + prefixLength;
    }

    private static int toInt(byte[] b) {
      return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static Inet4Address fromInt(int v) {
      try {
        return (Inet4Address) Inet4Address.getByAddress(
            new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** An IPv6 address with its prefix length, e.g. 2001:db8:1::1/64. */
  public record Ipv6Address(Inet6Address address, int prefixLength) {
    @Override
    public String toString() {
      return address.getHostAddress() + "/" + prefixLength;
    }
  }

  /** The first IPv4 address (what a ProxyDHCP server puts in option 54 for this link). */
  public Optional<Inet4Address> firstIpv4() {
    return ipv4.isEmpty() ? Optional.empty() : Optional.of(ipv4.getFirst().address()); // per packet: no stream
  }

  static String formatMac(byte[] hardwareAddress) {
    return HexFormat.ofDelimiter(":").formatHex(hardwareAddress);
  }
}
