package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.net.SourceRateLimiter;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which proxy datagrams the per-source limit applies to (flood, #8). */
class UnicastFloodGuardTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final SourceRateLimiter oneEach = new SourceRateLimiter(1, 1, 16, now::get);
  static final InetAddress FLOODER = InetAddress.ofLiteral("192.0.2.66");
  static final InetAddress UNCONFIGURED = InetAddress.ofLiteral("0.0.0.0");

  static byte[] discover(int giaddrLastByte) {
    byte[] p = new byte[300];
    p[0] = 1;
    p[27] = (byte) giaddrLastByte;
    return p;
  }

  @Test
  void aUnicastSourceIsLimited() {
    assertThat(UnicastFloodGuard.allow(oneEach, discover(0), FLOODER)).isTrue();
    assertThat(UnicastFloodGuard.allow(oneEach, discover(0), FLOODER)).isFalse();
    assertThat(UnicastFloodGuard.allow(oneEach, discover(0), InetAddress.ofLiteral("192.0.2.67"))).isTrue();
  }

  @Test
  void broadcastsFrom0000AndRelayedRequestsAreNot() {
    for (int i = 0; i < 100; i++) {
      assertThat(UnicastFloodGuard.allow(oneEach, discover(0), UNCONFIGURED)).as("every unconfigured client").isTrue();
      assertThat(UnicastFloodGuard.allow(oneEach, discover(1), FLOODER)).as("a relay, giaddr set").isTrue();
    }
    assertThat(oneEach.sources()).isZero();
  }

  @Test
  void offLimitsNothing() {
    SourceRateLimiter off = SourceRateLimiter.perSecond(0);
    for (int i = 0; i < 1000; i++) {
      assertThat(UnicastFloodGuard.allow(off, discover(0), FLOODER)).isTrue();
    }
  }
}
