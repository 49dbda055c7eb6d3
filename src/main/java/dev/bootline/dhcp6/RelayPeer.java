package dev.bootline.dhcp6;

import dev.bootline.net.SourceRateLimiter;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The client behind a relayed DHCPv6 datagram, found without decoding it: the per-source rate limit keys a
 * Relay-Forward by the innermost relay's peer-address (the client's link-local as the first-hop relay saw it), not by
 * the relay's address, so a relay serving a rebooting rack is many sources, not one throttled client.
 */
public final class RelayPeer {
  private static final int PEER_ADDRESS = 18; // msg-type, hop-count, link-address (16)
  private static final int OPTION_RELAY_MSG = 9;

  private RelayPeer() {}

  /**
   * Takes {@code limiter}'s token for the datagram in {@code datagram[0, length)} that came from {@code source}: for a
   * Relay-Forward, the innermost peer-address's; for anything else (or a relay header cut short), {@code source}'s.
   */
  public static boolean allow(SourceRateLimiter limiter, ByteBuffer datagram, int length, InetAddress source) {
    if (!limiter.enabled()) {
      return true;
    }
    int peer = innermostPeerOffset(datagram, Math.min(length, datagram.capacity()));
    return peer < 0 ? limiter.allow(source) : limiter.allow(datagram.getLong(peer), datagram.getLong(peer + 8));
  }

  /**
   * The offset of the innermost Relay-Forward's 16-byte peer-address in {@code datagram[0, length)} (absolute
   * indexes, position ignored), or -1 when the datagram is no Relay-Forward with a whole header. A malformed inner
   * part stops the walk at the last whole relay header: the decoder drops such a datagram anyway.
   */
  static int innermostPeerOffset(ByteBuffer datagram, int length) {
    int start = 0;
    int end = length;
    int peer = -1;
    for (int depth = 0; depth <= Dhcp6Codec.MAX_RELAY_DEPTH; depth++) {
      if (end - start < Dhcp6Codec.RELAY_HEADER || (datagram.get(start) & 0xff) != MessageType.RELAY_FORW.code()) {
        return peer;
      }
      peer = start + PEER_ADDRESS;
      int inner = -1;
      int innerEnd = -1;
      for (int o = start + Dhcp6Codec.RELAY_HEADER; o + 4 <= end; ) {
        int code = datagram.getShort(o) & 0xffff;
        int len = datagram.getShort(o + 2) & 0xffff;
        if (o + 4 + len > end) {
          return peer;
        }
        if (code == OPTION_RELAY_MSG) {
          inner = o + 4;
          innerEnd = o + 4 + len;
          break;
        }
        o += 4 + len;
      }
      if (inner < 0) {
        return peer;
      }
      start = inner;
      end = innerEnd;
    }
    return peer;
  }
}
