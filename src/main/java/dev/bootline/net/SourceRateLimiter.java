package dev.bootline.net;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-source-address token bucket for a UDP listener thread: a source may send {@code burst} datagrams at once and
 * {@code perSecond} a second after that; the rest is dropped before decoding, so one flooding host (FloodLabIT: one
 * link-local sending Solicits for 10^5 invented MACs) costs the listener a map lookup per datagram instead of a
 * decode, a policy decision, a reply and a log line, and the real clients' datagrams are read from the socket in time.
 *
 * <p>Keyed by source address, not MAC: a flood invents MACs, not (on a switched link) source addresses. A DHCPv6
 * relay or many DHCPv4 clients broadcasting from 0.0.0.0 share one key, hence the generous default. Memory is bounded:
 * at most {@code maxSources} buckets; when full, the buckets that have refilled (idle sources) are forgotten, and if
 * none has, the map is cleared (a flood from that many addresses gets one burst each, never unbounded state).
 *
 * <p>Not thread-safe: one instance per listener thread.
 */
public final class SourceRateLimiter {
  public static final double DEFAULT_PER_SECOND = 200;
  public static final int DEFAULT_BURST = 400;
  public static final int DEFAULT_MAX_SOURCES = 4096;

  private final double perNano;
  private final double burst;
  private final int maxSources;
  private final LongSupplier nanoTime;
  private final Map<InetAddress, double[]> buckets = new HashMap<>(); // {tokens, lastNanos}

  public SourceRateLimiter(double perSecond, int burst, int maxSources, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1 || maxSources < 1) {
      throw new IllegalArgumentException("rate " + perSecond + "/s, burst " + burst + ", sources " + maxSources);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxSources = maxSources;
    this.nanoTime = nanoTime;
  }

  /** The defaults: 200 datagrams/s per source after a burst of 400, 4096 sources remembered. */
  public static SourceRateLimiter defaults() {
    return new SourceRateLimiter(DEFAULT_PER_SECOND, DEFAULT_BURST, DEFAULT_MAX_SOURCES, System::nanoTime);
  }

  /** Takes one token for {@code source}; false when its bucket is empty (drop the datagram). */
  public boolean allow(InetAddress source) {
    long now = nanoTime.getAsLong();
    double[] b = buckets.get(source);
    if (b == null) {
      if (buckets.size() >= maxSources) {
        forgetIdle(now);
      }
      buckets.put(source, new double[] {burst - 1, now});
      return true;
    }
    b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * perNano);
    b[1] = now;
    if (b[0] < 1) {
      return false;
    }
    b[0] -= 1;
    return true;
  }

  int sources() {
    return buckets.size();
  }

  private void forgetIdle(long now) {
    buckets.values().removeIf(b -> b[0] + (now - (long) b[1]) * perNano >= burst);
    if (buckets.size() >= maxSources) {
      buckets.clear();
    }
  }
}
