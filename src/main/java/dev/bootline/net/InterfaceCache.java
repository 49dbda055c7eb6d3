package dev.bootline.net;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The interfaces of this network namespace by kernel index, for the per-packet questions servers ask (our address on
 * the arrival link, its MTU, is it served). Listing interfaces is a netlink dump, far too slow to do per packet: the
 * list is re-read when older than {@code maxAge}, or for an index it does not know (an interface came up) — but at most
 * once per {@code unknownRelist}, so a stream of datagrams from an unserved or vanished interface costs nothing.
 */
public final class InterfaceCache {
  private final Supplier<List<NetInterface>> lister;
  private final LongSupplier clock;
  private final long maxAgeNanos;
  private final long unknownRelistNanos;
  private volatile Map<Integer, NetInterface> byIndex;
  private volatile long listedAt;

  public InterfaceCache(Supplier<List<NetInterface>> lister, LongSupplier clock, long maxAgeNanos, long unknownRelistNanos) {
    this.lister = lister;
    this.clock = clock;
    this.maxAgeNanos = maxAgeNanos;
    this.unknownRelistNanos = unknownRelistNanos;
  }

  /** This namespace's interfaces, re-read every {@code maxAge} and for a new index at most once a second. */
  public static InterfaceCache system(Duration maxAge) {
    return new InterfaceCache(NetInterfaces::list, System::nanoTime, maxAge.toNanos(), Duration.ofSeconds(1).toNanos());
  }

  /** Empty for index 0 (unknown) or an interface that does not exist. */
  public Optional<NetInterface> byIndex(int ifIndex) {
    if (ifIndex <= 0) {
      return Optional.empty();
    }
    long now = clock.getAsLong();
    Map<Integer, NetInterface> m = byIndex;
    if (m == null
        || now - listedAt >= maxAgeNanos
        || (!m.containsKey(ifIndex) && now - listedAt >= unknownRelistNanos)) {
      m = relist(now);
    }
    return Optional.ofNullable(m.get(ifIndex));
  }

  private synchronized Map<Integer, NetInterface> relist(long now) {
    if (byIndex != null && listedAt == now) {
      return byIndex; // another thread just did it
    }
    Map<Integer, NetInterface> fresh = new HashMap<>();
    for (NetInterface ni : lister.get()) {
      fresh.put(ni.index(), ni);
    }
    byIndex = Map.copyOf(fresh);
    listedAt = now;
    return byIndex;
  }
}
