package dev.bootline.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The content of an {@code IP_PKTINFO} ({@code struct in_pktinfo}) or {@code IPV6_PKTINFO} ({@code struct
 * in6_pktinfo}) control message, and its encoding inside a {@code cmsghdr} (Linux 64-bit layout: {@code size_t
 * cmsg_len; int cmsg_level; int cmsg_type;} then data aligned to 8).
 *
 * <p>On receive, {@code address} is the datagram's destination from the IP header (255.255.255.255, ff02::1:2, or
 * a unicast address). On send, {@code address} is the source to use ({@code ipi_spec_dst} / {@code ipi6_addr}; the
 * unspecified address lets the kernel choose) and {@code ifIndex} the interface to leave through (0 = routing).
 *
 * @param ifIndex interface index
 * @param address see above
 */
public record PacketInfo(int ifIndex, InetAddress address) {

  static final int SOL_IP = 0;
  static final int IP_PKTINFO = 8;
  static final int SOL_IPV6 = 41;
  static final int IPV6_PKTINFO = 50;

  static final int CMSG_HEADER = 16;
  static final int IN_PKTINFO_SIZE = 12;
  static final int IN6_PKTINFO_SIZE = 20;
  /** CMSG_SPACE(sizeof(in6_pktinfo)): enough control space for one packet-info message of either family. */
  static final int SPACE = cmsgSpace(IN6_PKTINFO_SIZE);

  static int cmsgSpace(int dataLength) {
    return CMSG_HEADER + align(dataLength);
  }

  static int align(int length) {
    return (length + 7) & ~7;
  }

  /**
   * Writes one control message at offset 0 of {@code control}: IP_PKTINFO when {@code ipv6} is false, else
   * IPV6_PKTINFO. Returns the number of bytes to pass as msg_controllen.
   */
  static int encode(MemorySegment control, boolean ipv6, PacketInfo info) {
    int dataLength = ipv6 ? IN6_PKTINFO_SIZE : IN_PKTINFO_SIZE;
    int space = cmsgSpace(dataLength);
    control.asSlice(0, space).fill((byte) 0);
    control.set(JAVA_LONG_UNALIGNED, 0, CMSG_HEADER + dataLength);
    control.set(JAVA_INT_UNALIGNED, 8, ipv6 ? SOL_IPV6 : SOL_IP);
    control.set(JAVA_INT_UNALIGNED, 12, ipv6 ? IPV6_PKTINFO : IP_PKTINFO);
    MemorySegment data = control.asSlice(CMSG_HEADER, dataLength);
    if (ipv6) {
      byte[] a = info.address == null ? new byte[16] : SocketAddresses.toIpv6Bytes(info.address);
      MemorySegment.copy(a, 0, data, JAVA_BYTE, 0, 16);
      data.set(JAVA_INT_UNALIGNED, 16, info.ifIndex);
    } else {
      if (info.address != null && !(info.address instanceof Inet4Address)) {
        throw new IllegalArgumentException("IPv6 source " + info.address.getHostAddress() + " on an IPv4 socket");
      }
      data.set(JAVA_INT_UNALIGNED, 0, info.ifIndex);
      // ipi_spec_dst is the source address the kernel uses; ipi_addr is ignored on send.
      byte[] a = info.address == null ? new byte[4] : info.address.getAddress();
      MemorySegment.copy(a, 0, data, JAVA_BYTE, 4, 4);
    }
    return space;
  }

  /**
   * Finds the packet-info message among the {@code length} bytes of received control data. For IPv4 the
   * destination is {@code ipi_addr} (the header destination), not {@code ipi_spec_dst} (the local address).
   */
  static Optional<PacketInfo> decode(MemorySegment control, long length) {
    long offset = 0;
    while (offset + CMSG_HEADER <= length) {
      long cmsgLen = control.get(JAVA_LONG_UNALIGNED, offset);
      if (cmsgLen < CMSG_HEADER || offset + cmsgLen > length) {
        break; // malformed or truncated (MSG_CTRUNC): stop rather than read garbage
      }
      int level = control.get(JAVA_INT_UNALIGNED, offset + 8);
      int type = control.get(JAVA_INT_UNALIGNED, offset + 12);
      long data = offset + CMSG_HEADER;
      long dataLength = cmsgLen - CMSG_HEADER;
      try {
        if (level == SOL_IP && type == IP_PKTINFO && dataLength >= IN_PKTINFO_SIZE) {
          int ifIndex = control.get(JAVA_INT_UNALIGNED, data);
          byte[] a = control.asSlice(data + 8, 4).toArray(JAVA_BYTE);
          return Optional.of(new PacketInfo(ifIndex, InetAddress.getByAddress(a)));
        }
        if (level == SOL_IPV6 && type == IPV6_PKTINFO && dataLength >= IN6_PKTINFO_SIZE) {
          byte[] a = control.asSlice(data, 16).toArray(JAVA_BYTE);
          int ifIndex = control.get(JAVA_INT_UNALIGNED, data + 16);
          return Optional.of(new PacketInfo(ifIndex, SocketAddresses.ipv6(a, ifIndex)));
        }
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
      offset += align((int) cmsgLen);
    }
    return Optional.empty();
  }
}
