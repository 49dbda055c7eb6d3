package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetInterfacesTest {
  private static NetInterface iface(String name, int index, boolean up, String ipv4, String linkLocal) throws Exception {
    List<NetInterface.Ipv4Address> v4 = ipv4 == null ? List.of()
        : List.of(new NetInterface.Ipv4Address((Inet4Address) InetAddress.getByName(ipv4), 24));
    Optional<Inet6Address> ll = linkLocal == null ? Optional.empty()
        : Optional.of((Inet6Address) InetAddress.getByName(linkLocal));
    return new NetInterface(name, index, Optional.of("52:54:00:00:00:0" + index), 1500, up, v4, List.of(), ll);
  }

  private final List<NetInterface> available;

  NetInterfacesTest() throws Exception {
    available = List.of(
        iface("lo", 1, true, "127.0.0.1", null),
        iface("br0", 2, true, "192.0.2.1", "fe80::1"),
        iface("eth0", 3, false, "198.51.100.1", null),
        iface("eth1", 4, true, null, "fe80::4"));
  }

  @Test
  void missingInterfaceListsTheAvailableOnes() {
    assertThatThrownBy(() -> NetInterfaces.require("enp9s0", available))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interface 'enp9s0' not found; available: lo, br0, eth0, eth1");
  }

  @Test
  void downInterfaceIsRefusedOnlyWhenUpIsNeeded() {
    assertThatThrownBy(() -> NetInterfaces.require("eth0", available, NetInterfaces.Need.UP, NetInterfaces.Need.IPV4))
        .hasMessageContaining("interface 'eth0' is down");
    org.assertj.core.api.Assertions.assertThat(NetInterfaces.require("eth0", available).name()).isEqualTo("eth0");
  }

  @Test
  void missingAddressIsNamed() {
    assertThatThrownBy(() -> NetInterfaces.require("eth1", available, NetInterfaces.Need.IPV4))
        .hasMessage("interface 'eth1' has no IPv4 address (has: fe80:0:0:0:0:0:0:4)");
    assertThatThrownBy(() -> NetInterfaces.require("br0", available, NetInterfaces.Need.IPV6_GLOBAL))
        .hasMessageContaining("has no global IPv6 address");
  }

  @Test
  void satisfiedNeedsReturnTheInterface() {
    NetInterface br0 = NetInterfaces.require("br0", available, NetInterfaces.Need.IPV4,
        NetInterfaces.Need.IPV6_LINK_LOCAL);
    assertThat(br0.index()).isEqualTo(2);
    assertThat(br0.firstIpv4()).map(InetAddress::getHostAddress).contains("192.0.2.1");
  }

  @Test
  void subnetBroadcastAndMembership() throws Exception {
    var a = new NetInterface.Ipv4Address((Inet4Address) InetAddress.getByName("198.51.100.1"), 24);
    assertThat(a.broadcast().getHostAddress()).isEqualTo("198.51.100.255");
    assertThat(a.contains((Inet4Address) InetAddress.getByName("198.51.100.77"))).isTrue();
    assertThat(a.contains((Inet4Address) InetAddress.getByName("192.0.2.77"))).isFalse();
  }

  @Test
  void realLoopbackIsDiscovered() {
    NetInterface lo = NetInterfaces.require("lo", NetInterfaces.Need.IPV4);
    assertThat(lo.index()).isPositive();
    assertThat(lo.ipv4()).extracting(x -> x.address().getHostAddress()).contains("127.0.0.1");
    assertThat(lo.mac()).isEmpty();
  }
}
