package dev.bootline.tftp;

import dev.bootline.net.InterfaceCache;
import java.util.OptionalInt;


/** The MTU of an interface by kernel index, for clamping blksize to the link a request arrived on. */
@FunctionalInterface
public interface InterfaceMtu {

  /** Empty when the index is 0 (unknown) or no such interface exists. */
  OptionalInt mtu(int ifIndex);

  InterfaceMtu UNKNOWN = ifIndex -> OptionalInt.empty();

  /** The MTU from the arrival interface's cached description ({@link InterfaceCache}). */
  static InterfaceMtu of(InterfaceCache interfaces) {
    return ifIndex -> interfaces.byIndex(ifIndex).filter(ni -> ni.mtu() > 0)
        .map(ni -> OptionalInt.of(ni.mtu())).orElse(OptionalInt.empty());
  }

  /** The system's interfaces (current network namespace), listed again at most every {@code refreshNanos}. */
  static InterfaceMtu system(long refreshNanos) {
    return of(InterfaceCache.system(java.time.Duration.ofNanos(refreshNanos)));
  }
}
