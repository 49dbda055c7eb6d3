package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void sockaddrInHasHostOrderFamilyAndNetworkOrderPort() throws Exception {
    byte[] b = new byte[28];
    int length = SocketAddresses.write(MemorySegment.ofArray(b), SocketAddresses.AF_INET,
        new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 68), 0);
    assertThat(length).isEqualTo(16);
    assertThat(HEX.formatHex(b, 0, 16)).isEqualTo("0200" + "0044" + "ffffffff" + "0000000000000000");
  }

  @Test
  void linkLocalDestinationGetsTheSendInterfaceAsScope() throws Exception {
    byte[] b = new byte[28];
    int length = SocketAddresses.write(MemorySegment.ofArray(b), SocketAddresses.AF_INET6,
        new InetSocketAddress(InetAddress.getByName("fe80::5054:ff:fe12:3456"), 546), 6);
    assertThat(length).isEqualTo(28);
    assertThat(HEX.formatHex(b)).isEqualTo("0a00" + "0222" + "00000000"
        + "fe80000000000000505400fffe123456" + "06000000");
  }

  @Test
  void globalDestinationGetsNoScope() throws Exception {
    byte[] b = new byte[28];
    SocketAddresses.write(MemorySegment.ofArray(b), SocketAddresses.AF_INET6,
        new InetSocketAddress(InetAddress.getByName("2001:db8::9"), 547), 6);
    assertThat(HEX.formatHex(b, 24, 28)).isEqualTo("00000000");
  }

  @Test
  void readKeepsScopeOfLinkLocalSource() {
    byte[] b = HEX.parseHex("0a00" + "0222" + "00000000" + "fe80000000000000505400fffe123456" + "03000000");
    InetSocketAddress a = SocketAddresses.read(MemorySegment.ofArray(b), 28);
    assertThat(a.getPort()).isEqualTo(546);
    assertThat(((Inet6Address) a.getAddress()).getScopeId()).isEqualTo(3);
  }

  @Test
  void readsIpv4() {
    byte[] b = HEX.parseHex("0200" + "0043" + "c0000205" + "0000000000000000");
    assertThat(SocketAddresses.read(MemorySegment.ofArray(b), 16))
        .isEqualTo(new InetSocketAddress("192.0.2.5", 67));
  }

  @Test
  void ipv6AddressOnIpv4SocketIsRefused() {
    assertThatThrownBy(() -> SocketAddresses.write(MemorySegment.ofArray(new byte[28]), SocketAddresses.AF_INET,
        new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv4 socket");
  }
}
