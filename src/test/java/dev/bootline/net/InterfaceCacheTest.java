package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InterfaceCacheTest {
  final AtomicInteger listings = new AtomicInteger();
  final AtomicLong now = new AtomicLong();
  final List<NetInterface> ifaces = new ArrayList<>(List.of(iface(2, 9000)));
  final InterfaceCache cache = new InterfaceCache(() -> {
    listings.incrementAndGet();
    return List.copyOf(ifaces);
  }, now::get, 1000, 100);

  static NetInterface iface(int index, int mtu) {
    return new NetInterface("eth" + index, index, Optional.empty(), mtu, true, List.of(), List.of(), Optional.empty());
  }

  @Test
  void listsOnceThenOnlyWhenStale() {
    assertThat(cache.byIndex(0)).isEmpty();
    assertThat(listings).hasValue(0);
    assertThat(cache.byIndex(2).map(NetInterface::mtu)).contains(9000);
    assertThat(cache.byIndex(2).map(NetInterface::mtu)).contains(9000);
    assertThat(listings).hasValue(1);
    ifaces.set(0, iface(2, 1500));
    now.set(999);
    assertThat(cache.byIndex(2).map(NetInterface::mtu)).contains(9000); // still fresh
    now.set(1000);
    assertThat(cache.byIndex(2).map(NetInterface::mtu)).contains(1500);
    assertThat(listings).hasValue(2);
  }

  @Test
  void aFloodFromAnUnknownIndexDoesNotRelistPerPacket() {
    cache.byIndex(2);
    for (int i = 0; i < 10_000; i++) {
      assertThat(cache.byIndex(7)).isEmpty();
    }
    assertThat(listings).as("no relist within the unknown-index interval").hasValue(1);
    ifaces.add(iface(7, 1500)); // the interface appears
    now.set(100);
    assertThat(cache.byIndex(7)).isPresent();
    assertThat(listings).hasValue(2);
  }
}
