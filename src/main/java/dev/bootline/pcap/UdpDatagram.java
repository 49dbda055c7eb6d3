package dev.bootline.pcap;

import java.net.InetAddress;

/** A UDP datagram found in a frame, with its IP addresses and ports; {@code payload} is the UDP payload. */
public record UdpDatagram(
    Frame frame, InetAddress source, int sourcePort, InetAddress destination, int destinationPort, byte[] payload) {
  public UdpDatagram {
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  public boolean isIpv6() {
    return source instanceof java.net.Inet6Address;
  }
}
