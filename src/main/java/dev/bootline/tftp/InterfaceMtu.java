package dev.bootline.tftp;

import dev.bootline.net.NetInterface;
import dev.bootline.net.NetInterfaces;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.List;

/** The MTU of an interface by kernel index, for clamping blksize to the link a request arrived on. */
@FunctionalInterface
public interface InterfaceMtu {

  /** Empty when the index is 0 (unknown) or no such interface exists. */
  OptionalInt mtu(int ifIndex);

  InterfaceMtu UNKNOWN = ifIndex -> OptionalInt.empty();

  /**
   * The system's interfaces (current network namespace), listed again at most every {@code refreshNanos} so a burst of
   * requests does not enumerate the interfaces once per request, while an MTU change is seen soon.
   */
  static InterfaceMtu system(long refreshNanos) {
    return cached(NetInterfaces::list, System::nanoTime, refreshNanos);
  }

  /** {@link #system(long)} with an injectable lister and clock (what the unit test uses). */
  static InterfaceMtu cached(Supplier<List<NetInterface>> lister, LongSupplier clock, long refreshNanos) {
    return new InterfaceMtu() {
      private volatile Map<Integer, Integer> byIndex;
      private volatile long listedAt;

      @Override
      public OptionalInt mtu(int ifIndex) {
        if (ifIndex <= 0) {
          return OptionalInt.empty();
        }
        long now = clock.getAsLong();
        Map<Integer, Integer> m = byIndex;
        if (m == null || now - listedAt >= refreshNanos || !m.containsKey(ifIndex)) {
          Map<Integer, Integer> fresh = new ConcurrentHashMap<>();
          for (NetInterface ni : lister.get()) {
            if (ni.mtu() > 0) {
              fresh.put(ni.index(), ni.mtu());
            }
          }
          byIndex = m = fresh;
          listedAt = now;
        }
        Integer mtu = m.get(ifIndex);
        return mtu == null ? OptionalInt.empty() : OptionalInt.of(mtu);
      }
    };
  }
}
