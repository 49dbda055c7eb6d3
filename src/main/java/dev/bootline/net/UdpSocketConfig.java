package dev.bootline.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Optional;

/**
 * How to open a {@link UdpSocket}. Start from {@link #ipv4(int)} or {@link #ipv6(int)} (wildcard address, SO_REUSEADDR,
 * SO_BROADCAST for IPv4, IPV6_V6ONLY for IPv6) and adjust with the {@code with…} methods.
 *
 * @param family INET or INET6
 * @param bind local address and port (wildcard to receive broadcasts and multicasts)
 * @param reuseAddress SO_REUSEADDR
 * @param broadcast SO_BROADCAST (IPv4 only; needed to send to 255.255.255.255)
 * @param v6Only IPV6_V6ONLY (IPv6 only)
 * @param bindToDevice SO_BINDTODEVICE: only datagrams arriving on this interface (needs CAP_NET_RAW)
 * @param receiveBufferBytes SO_RCVBUF, or 0 for the system default
 */
public record UdpSocketConfig(
    StandardProtocolFamily family,
    InetSocketAddress bind,
    boolean reuseAddress,
    boolean broadcast,
    boolean v6Only,
    Optional<String> bindToDevice,
    int receiveBufferBytes) {

  public UdpSocketConfig {
    if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
      throw new IllegalArgumentException("UDP sockets are INET or INET6, not " + family);
    }
    InetAddress a = bind.getAddress();
    if (a == null) {
      throw new IllegalArgumentException("unresolved bind address: " + bind);
    }
    if (family == StandardProtocolFamily.INET && !(a instanceof Inet4Address)) {
      throw new IllegalArgumentException("IPv4 socket bound to IPv6 address " + a.getHostAddress());
    }
    if (family == StandardProtocolFamily.INET6 && !(a instanceof Inet6Address)) {
      throw new IllegalArgumentException("IPv6 socket bound to IPv4 address " + a.getHostAddress());
    }
    if (broadcast && family != StandardProtocolFamily.INET) {
      throw new IllegalArgumentException("SO_BROADCAST is IPv4 only");
    }
    if (receiveBufferBytes < 0) {
      throw new IllegalArgumentException("receive buffer size must be >= 0: " + receiveBufferBytes);
    }
  }

  /** IPv4 on 0.0.0.0:port with SO_REUSEADDR and SO_BROADCAST. */
  public static UdpSocketConfig ipv4(int port) {
    return new UdpSocketConfig(
        StandardProtocolFamily.INET, new InetSocketAddress(any(4), port), true, true, false, Optional.empty(), 0);
  }

  /** IPv6 on [::]:port with SO_REUSEADDR and IPV6_V6ONLY. */
  public static UdpSocketConfig ipv6(int port) {
    return new UdpSocketConfig(
        StandardProtocolFamily.INET6, new InetSocketAddress(any(16), port), true, false, true, Optional.empty(), 0);
  }

  public UdpSocketConfig withBind(InetSocketAddress newBind) {
    return new UdpSocketConfig(family, newBind, reuseAddress, broadcast, v6Only, bindToDevice, receiveBufferBytes);
  }

  public UdpSocketConfig withReuseAddress(boolean on) {
    return new UdpSocketConfig(family, bind, on, broadcast, v6Only, bindToDevice, receiveBufferBytes);
  }

  public UdpSocketConfig withBroadcast(boolean on) {
    return new UdpSocketConfig(family, bind, reuseAddress, on, v6Only, bindToDevice, receiveBufferBytes);
  }

  public UdpSocketConfig withV6Only(boolean on) {
    return new UdpSocketConfig(family, bind, reuseAddress, broadcast, on, bindToDevice, receiveBufferBytes);
  }

  public UdpSocketConfig withBindToDevice(String interfaceName) {
    return new UdpSocketConfig(
        family, bind, reuseAddress, broadcast, v6Only, Optional.of(interfaceName), receiveBufferBytes);
  }

  public UdpSocketConfig withReceiveBufferBytes(int bytes) {
    return new UdpSocketConfig(family, bind, reuseAddress, broadcast, v6Only, bindToDevice, bytes);
  }

  boolean isIpv6() {
    return family == StandardProtocolFamily.INET6;
  }

  private static InetAddress any(int length) {
    try {
      return InetAddress.getByAddress(new byte[length]);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
