package dev.bootline.dhcp4;

import dev.bootline.net.SourceRateLimiter;
import java.net.InetAddress;

/**
 * Per-source rate limit on 67/4011 (flood, #8), only where it is a per-client limit and where bootline's answers would
 * amplify a flood: a datagram from a configured source address, not relayed. A proxy OFFER to a DISCOVER goes to
 * 255.255.255.255, so one host unicasting DISCOVERs for invented MACs made bootline broadcast an OFFER for each to
 * every port of the link (FloodLabIT: ~5000 broadcast OFFERs/s overflowed the QEMU guest's tap queue and stalled its
 * TFTP download). Not limited: a broadcast from 0.0.0.0 (every unconfigured client shares that address, and such a
 * flood already reaches every port at the flooder's own rate), and a relayed request (giaddr set: the source is the
 * relay, serving many clients, and the answer goes unicast to it).
 */
final class UnicastFloodGuard {
  private UnicastFloodGuard() {}

  /** Takes {@code limiter}'s token for {@code packet} from {@code source} when it is limited; false: drop it. */
  static boolean allow(SourceRateLimiter limiter, byte[] packet, InetAddress source) {
    if (!limiter.enabled() || source.isAnyLocalAddress()) {
      return true;
    }
    boolean relayed = packet.length >= 28 && (packet[24] | packet[25] | packet[26] | packet[27]) != 0; // giaddr
    return relayed || limiter.allow(source);
  }
}
