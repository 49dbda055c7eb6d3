package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PacketInfoTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void encodesIpv4PktinfoAsLinuxCmsg() throws Exception {
    byte[] control = new byte[64];
    int length = PacketInfo.encode(MemorySegment.ofArray(control), false,
        new PacketInfo(3, InetAddress.getByName("192.0.2.1")));

    // CMSG_SPACE(12) = 32; cmsg_len = CMSG_LEN(12) = 28, level SOL_IP 0, type IP_PKTINFO 8,
    // in_pktinfo {ifindex 3, spec_dst 192.0.2.1 (the source), addr 0}, padding.
    assertThat(length).isEqualTo(32);
    assertThat(HEX.formatHex(control, 0, 32)).isEqualTo(
        "1c00000000000000" + "00000000" + "08000000"
            + "03000000" + "c0000201" + "00000000" + "00000000");
  }

  @Test
  void encodesIpv6PktinfoAsLinuxCmsg() throws Exception {
    byte[] control = new byte[64];
    int length = PacketInfo.encode(MemorySegment.ofArray(control), true,
        new PacketInfo(7, InetAddress.getByName("2001:db8::1")));

    // CMSG_SPACE(20) = 40; cmsg_len 36, level SOL_IPV6 41, type IPV6_PKTINFO 50, in6_pktinfo {addr, ifindex 7}.
    assertThat(length).isEqualTo(40);
    assertThat(HEX.formatHex(control, 0, 40)).isEqualTo(
        "2400000000000000" + "29000000" + "32000000"
            + "20010db8000000000000000000000001" + "07000000" + "00000000");
  }

  @Test
  void nullSourceMeansKernelChooses() {
    byte[] control = new byte[64];
    PacketInfo.encode(MemorySegment.ofArray(control), false, new PacketInfo(2, null));
    assertThat(HEX.formatHex(control, 16, 28)).isEqualTo("020000000000000000000000");
  }

  @Test
  void decodesIpv4DestinationFromIpiAddrNotSpecDst() {
    // What the kernel hands recvmsg for a broadcast arriving on ifindex 4 of a host whose address there is
    // 198.51.100.1: spec_dst = local address, addr = header destination 255.255.255.255.
    byte[] control = HEX.parseHex("1c00000000000000" + "00000000" + "08000000"
        + "04000000" + "c6336401" + "ffffffff" + "00000000");
    PacketInfo info = PacketInfo.decode(MemorySegment.ofArray(control), 28).orElseThrow();
    assertThat(info.ifIndex()).isEqualTo(4);
    assertThat(info.address().getHostAddress()).isEqualTo("255.255.255.255");
  }

  @Test
  void decodesIpv6MulticastDestinationWithScope() {
    byte[] control = HEX.parseHex("2400000000000000" + "29000000" + "32000000"
        + "ff020000000000000000000000010002" + "05000000" + "00000000");
    PacketInfo info = PacketInfo.decode(MemorySegment.ofArray(control), 40).orElseThrow();
    assertThat(info.ifIndex()).isEqualTo(5);
    assertThat(info.address().isMulticastAddress()).isTrue();
    assertThat(((Inet6Address) info.address()).getScopeId()).isEqualTo(5);
    assertThat(info.address().getHostAddress()).startsWith("ff02:0:0:0:0:0:1:2");
  }

  @Test
  void skipsOtherControlMessagesAndFindsPktinfo() {
    // an SO_TIMESTAMP-like message (level SOL_SOCKET 1, type 29, 16 bytes of data) before the pktinfo
    String other = "2000000000000000" + "01000000" + "1d000000" + "00".repeat(16);
    String pktinfo = "1c00000000000000" + "00000000" + "08000000" + "02000000" + "c0000201" + "c0000201" + "00000000";
    byte[] control = HEX.parseHex(other + pktinfo);
    PacketInfo info = PacketInfo.decode(MemorySegment.ofArray(control), control.length - 4).orElseThrow();
    assertThat(info.ifIndex()).isEqualTo(2);
    assertThat(info.address().getHostAddress()).isEqualTo("192.0.2.1");
  }

  @Test
  void truncatedOrMalformedControlDataYieldsNothing() {
    byte[] control = HEX.parseHex("1c00000000000000" + "00000000" + "08000000" + "02000000");
    assertThat(PacketInfo.decode(MemorySegment.ofArray(control), control.length)).isEmpty();
    byte[] zeroLength = new byte[32];
    assertThat(PacketInfo.decode(MemorySegment.ofArray(zeroLength), 32)).isEmpty();
    assertThat(PacketInfo.decode(MemorySegment.ofArray(new byte[0]), 0)).isEmpty();
  }

  @Test
  void roundTripsBothFamilies() throws Exception {
    for (var info : new PacketInfo[] {
        new PacketInfo(9, InetAddress.getByName("198.51.100.7")),
        new PacketInfo(11, InetAddress.getByName("2001:db8:1::42"))}) {
      boolean v6 = info.address() instanceof Inet6Address;
      byte[] control = new byte[64];
      int length = PacketInfo.encode(MemorySegment.ofArray(control), v6, info);
      if (!v6) {
        // on receive the destination is ipi_addr: copy spec_dst there to simulate the kernel's answer
        System.arraycopy(control, 20, control, 24, 4);
      }
      assertThat(PacketInfo.decode(MemorySegment.ofArray(control), length)).contains(info);
    }
  }
}
