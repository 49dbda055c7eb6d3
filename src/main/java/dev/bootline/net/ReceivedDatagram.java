package dev.bootline.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What {@link UdpSocket#receive} learned about one datagram (the payload itself went into the caller's buffer).
 *
 * @param length payload bytes written into the buffer
 * @param truncated the datagram was longer than the buffer's remaining space; the rest was discarded
 * @param ifIndex index of the interface it arrived on (0 if the kernel gave no packet info)
 * @param destination the IP header's destination: 255.255.255.255, a subnet broadcast, a multicast group such as
 *     ff02::1:2, or one of our unicast addresses
 * @param source sender's address and port; an IPv6 link-local source carries the arrival interface as scope id
 */
public record ReceivedDatagram(
    int length, boolean truncated, int ifIndex, InetAddress destination, InetSocketAddress source) {

  /** Sent to 255.255.255.255 (what a DHCP client without an address does). */
  public boolean isLimitedBroadcast() {
    byte[] a = destination.getAddress();
    return a.length == 4 && a[0] == -1 && a[1] == -1 && a[2] == -1 && a[3] == -1;
  }

  public boolean isMulticast() {
    return destination.isMulticastAddress();
  }
}
