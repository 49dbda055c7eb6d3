package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final SourceRateLimiter limiter = new SourceRateLimiter(10, 5, 3, now::get);
  static final InetAddress FLOODER = InetAddress.ofLiteral("fe80::66");
  static final InetAddress CLIENT = InetAddress.ofLiteral("fe80::5054:ff:feaa:bbcc");

  @Test
  void aSourceGetsItsBurstThenItsRateAndOthersAreUnaffected() {
    int allowed = 0;
    for (int i = 0; i < 1000; i++) {
      allowed += limiter.allow(FLOODER) ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(5);
    assertThat(limiter.allow(CLIENT)).as("another source has its own bucket").isTrue();
    now.addAndGet(1_000_000_000L); // one second: 10 more tokens, capped at the burst of 5
    allowed = 0;
    for (int i = 0; i < 1000; i++) {
      allowed += limiter.allow(FLOODER) ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(5);
    now.addAndGet(300_000_000L); // 0.3 s at 10/s: 3 tokens
    allowed = 0;
    for (int i = 0; i < 10; i++) {
      allowed += limiter.allow(FLOODER) ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(3);
  }

  @Test
  void rememberedSourcesAreBounded() throws Exception {
    for (int i = 0; i < 10_000; i++) {
      limiter.allow(InetAddress.getByAddress(new byte[] {(byte) 198, 51, (byte) (i >> 8), (byte) i}));
      assertThat(limiter.sources()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void idleSourcesAreForgottenFirst() throws Exception {
    for (int i = 0; i < 10; i++) {
      limiter.allow(FLOODER); // busy: its bucket is empty
    }
    limiter.allow(CLIENT);
    now.addAndGet(200_000_000L); // CLIENT refilled (4 + 2 >= 5), FLOODER not (0 + 2)
    limiter.allow(InetAddress.ofLiteral("fe80::1"));
    limiter.allow(InetAddress.ofLiteral("fe80::2")); // full: CLIENT is forgotten, FLOODER kept
    assertThat(limiter.sources()).isEqualTo(3);
    // kept with its 2 refilled tokens (a fresh bucket would allow 5)
    assertThat(limiter.allow(FLOODER)).isTrue();
    assertThat(limiter.allow(FLOODER)).isTrue();
    assertThat(limiter.allow(FLOODER)).as("the flooder's bucket survived").isFalse();
  }

  @Test
  void zeroPerSecondIsOffAndRemembersNothing() {
    SourceRateLimiter off = SourceRateLimiter.perSecond(0);
    assertThat(off.enabled()).isFalse();
    for (int i = 0; i < 100_000; i++) {
      assertThat(off.allow(FLOODER)).isTrue();
    }
    assertThat(off.sources()).isZero();
  }

  @Test
  void perSecondGivesABurstOfTwiceTheRate() {
    SourceRateLimiter l = SourceRateLimiter.perSecond(3);
    int allowed = 0;
    for (int i = 0; i < 100; i++) {
      allowed += l.allow(FLOODER) ? 1 : 0;
    }
    assertThat(allowed).as("within the same instant, give or take a token refilled meanwhile").isBetween(6, 7);
  }

  @Test
  void anIpv4SourceAndItsIpv4MappedIpv6FormAreOneSource() throws Exception {
    for (int i = 0; i < 5; i++) {
      limiter.allow(InetAddress.ofLiteral("192.0.2.66"));
    }
    assertThat(limiter.allow(0, 0xffffL << 32 | 0xc0000242L)).as("::ffff:192.0.2.66 shares the bucket").isFalse();
    assertThat(limiter.allow(0, 0xc0000242L)).as("::192.0.2.66 is another address").isTrue();
  }

  @Test
  void nonsenseLimitsAreRejected() {
    assertThatThrownBy(() -> new SourceRateLimiter(-1, 5, 3, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SourceRateLimiter(10, 0, 3, now::get)).isInstanceOf(IllegalArgumentException.class);
  }
}
