package dev.bootline.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-source token bucket for a UDP listener thread: a source may send {@code burst} datagrams at once and
 * {@code perSecond} a second after that; the rest is dropped before decoding, so one flooding host (FloodLabIT: one
 * link-local sending Solicits for 10^5 invented MACs) costs the listener a map lookup per datagram instead of a
 * decode, a policy decision, a reply and a log line, and the real clients' datagrams are read from the socket in time.
 *
 * <p>A source is a 128-bit address (IPv4 as IPv4-mapped). Keyed by address, not MAC: a flood invents MACs, not (on a
 * switched link) source addresses. The DHCPv6 listener keys a relayed message by the innermost relay's peer-address
 * (the client's link-local), so a relay serving a rebooting rack is not one throttled client. Memory is bounded: at
 * most {@code maxSources} buckets; when full, the buckets that have refilled (idle sources) are forgotten, and if that
 * frees less than a quarter, all are (a flood from that many addresses gets one burst each, never unbounded state,
 * and the forgetting costs O(1) per datagram amortised).
 *
 * <p>Not thread-safe: one instance per listener thread.
 */
public final class SourceRateLimiter {
  public static final int DEFAULT_PER_SECOND = 200;
  public static final int DEFAULT_MAX_SOURCES = 4096;
  private static final long V4_MAPPED = 0xffffL << 32;

  private final double perNano;
  private final double burst;
  private final int maxSources;
  private final LongSupplier nanoTime;
  private final Map<Source, Bucket> buckets = new HashMap<>();

  private record Source(long hi, long lo) {}

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }

    double tokensAt(long now, double perNano, double burst) {
      return Math.min(burst, tokens + (now - last) * perNano);
    }
  }

  /** @param perSecond datagrams per second per source after the burst; 0 = no limit (every datagram allowed) */
  public SourceRateLimiter(double perSecond, int burst, int maxSources, LongSupplier nanoTime) {
    if (perSecond < 0 || burst < 1 || maxSources < 1) {
      throw new IllegalArgumentException("rate " + perSecond + "/s, burst " + burst + ", sources " + maxSources);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxSources = maxSources;
    this.nanoTime = nanoTime;
  }

  /**
   * {@code perSecond} datagrams a second per source after a burst of twice that (a client's retransmissions and a
   * firmware's Solicit/Request/TFTP all fit), {@value #DEFAULT_MAX_SOURCES} sources remembered; 0 = off.
   */
  public static SourceRateLimiter perSecond(int perSecond) {
    return new SourceRateLimiter(perSecond, Math.max(1, 2 * perSecond), DEFAULT_MAX_SOURCES, System::nanoTime);
  }

  /** False when built with 0 per second: every datagram is allowed and nothing is remembered. */
  public boolean enabled() {
    return perNano > 0;
  }

  /** Takes one token for {@code source}; false when its bucket is empty (drop the datagram). */
  public boolean allow(InetAddress source) {
    byte[] a = source.getAddress();
    if (source instanceof Inet4Address) {
      return allow(0, V4_MAPPED | ByteBuffer.wrap(a).getInt() & 0xffffffffL);
    }
    ByteBuffer b = ByteBuffer.wrap(a);
    return allow(b.getLong(0), b.getLong(8));
  }

  /** Takes one token for the IPv6 address {@code hi‖lo}; false when its bucket is empty (drop the datagram). */
  public boolean allow(long hi, long lo) {
    if (perNano == 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    Source key = new Source(hi, lo);
    Bucket b = buckets.get(key);
    if (b == null) {
      if (buckets.size() >= maxSources) {
        forgetIdle(now);
      }
      buckets.put(key, new Bucket(burst - 1, now));
      return true;
    }
    b.tokens = b.tokensAt(now, perNano, burst);
    b.last = now;
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  /** Sources currently remembered (at most maxSources). */
  public int sources() {
    return buckets.size();
  }

  private void forgetIdle(long now) {
    buckets.values().removeIf(b -> b.tokensAt(now, perNano, burst) >= burst);
    if (buckets.size() > maxSources * 3 / 4) {
      buckets.clear();
    }
  }
}
