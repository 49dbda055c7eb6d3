package dev.bootline.net;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Linux x86-64/aarch64 {@code sockaddr_in} / {@code sockaddr_in6} encoding. Pure: works on any segment (heap segments
 * in tests), so every access is unaligned.
 */
final class SocketAddresses {
  private SocketAddresses() {}

  static final short AF_INET = 2;
  static final short AF_INET6 = 10;
  static final int SOCKADDR_IN_SIZE = 16;
  static final int SOCKADDR_IN6_SIZE = 28;
  /** Big enough for either family (sockaddr_storage is larger, but we only ever see these two). */
  static final int MAX_SIZE = SOCKADDR_IN6_SIZE;

  private static final java.lang.foreign.ValueLayout.OfShort PORT =
      JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  /**
   * Writes {@code address} as the given family; an IPv4 address written as INET6 becomes {@code ::ffff:a.b.c.d}.
   * Returns the length to pass as socklen_t. For INET6 the scope id is the address's own scope id, else
   * {@code defaultScopeId} (the interface we send through), so link-local destinations work without a scoped address.
   */
  static int write(MemorySegment to, short family, InetSocketAddress address, int defaultScopeId) {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      throw new IllegalArgumentException("unresolved address: " + address);
    }
    to.asSlice(0, family == AF_INET ? SOCKADDR_IN_SIZE : SOCKADDR_IN6_SIZE).fill((byte) 0);
    to.set(JAVA_SHORT_UNALIGNED, 0, family);
    to.set(PORT, 2, (short) address.getPort());
    if (family == AF_INET) {
      if (!(ip instanceof Inet4Address)) {
        throw new IllegalArgumentException("IPv6 address " + ip.getHostAddress() + " on an IPv4 socket");
      }
      MemorySegment.copy(ip.getAddress(), 0, to, java.lang.foreign.ValueLayout.JAVA_BYTE, 4, 4);
      return SOCKADDR_IN_SIZE;
    }
    byte[] sixteen = toIpv6Bytes(ip);
    MemorySegment.copy(sixteen, 0, to, java.lang.foreign.ValueLayout.JAVA_BYTE, 8, 16);
    int scope = ip instanceof Inet6Address v6 && v6.getScopeId() != 0 ? v6.getScopeId() : 0;
    if (scope == 0 && needsScope(sixteen)) {
      scope = defaultScopeId;
    }
    to.set(JAVA_INT_UNALIGNED, 24, scope);
    return SOCKADDR_IN6_SIZE;
  }

  /** Reads a sockaddr written by the kernel; link-local IPv6 sources keep their scope id (= arrival interface). */
  static InetSocketAddress read(MemorySegment from, int length) {
    short family = from.get(JAVA_SHORT_UNALIGNED, 0);
    int port = Short.toUnsignedInt(from.get(PORT, 2));
    try {
      if (family == AF_INET && length >= SOCKADDR_IN_SIZE) {
        byte[] a = from.asSlice(4, 4).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new InetSocketAddress(InetAddress.getByAddress(a), port);
      }
      if (family == AF_INET6 && length >= SOCKADDR_IN6_SIZE) {
        byte[] a = from.asSlice(8, 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int scope = from.get(JAVA_INT_UNALIGNED, 24);
        return new InetSocketAddress(ipv6(a, scope), port);
      }
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // only thrown for a wrong array length
    }
    throw new IllegalArgumentException("unsupported sockaddr family " + family + " (length " + length + ")");
  }

  /**
   * An IPv6 address from 16 bytes: IPv4-mapped becomes {@link Inet4Address}; link-local and multicast
   * link/interface-local get the scope id when it is non-zero.
   */
  static InetAddress ipv6(byte[] sixteen, int scopeId) throws UnknownHostException {
    if (scopeId != 0 && needsScope(sixteen)) {
      return Inet6Address.getByAddress(null, sixteen, scopeId);
    }
    return InetAddress.getByAddress(sixteen);
  }

  static byte[] toIpv6Bytes(InetAddress ip) {
    if (ip instanceof Inet6Address) {
      return ip.getAddress();
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(ip.getAddress(), 0, mapped, 12, 4);
    return mapped;
  }

  /** fe80::/10 unicast, or multicast with interface-local (1) or link-local (2) scope. */
  static boolean needsScope(byte[] sixteen) {
    boolean linkLocal = (sixteen[0] & 0xff) == 0xfe && (sixteen[1] & 0xc0) == 0x80;
    boolean scopedMulticast = (sixteen[0] & 0xff) == 0xff && ((sixteen[1] & 0x0f) == 1 || (sixteen[1] & 0x0f) == 2);
    return linkLocal || scopedMulticast;
  }
}
