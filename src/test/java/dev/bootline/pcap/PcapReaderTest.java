package dev.bootline.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PcapReaderTest {
  static final Path FIXTURES = Path.of("/work/shared/fixtures");

  /** A UDP datagram in IPv4 in Ethernet, built by hand so the test does not depend on the reader to make inputs. */
  static byte[] ethIpv4Udp(int srcPort, int dstPort, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
    b.put(new byte[] {-1, -1, -1, -1, -1, -1, 0x52, 0x54, 0, 0x12, 0x34, 0x56}).putShort((short) 0x0800);
    b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length)).putInt(0).put((byte) 64).put((byte) 17)
        .putShort((short) 0).put(new byte[] {0, 0, 0, 0}).put(new byte[] {-1, -1, -1, -1});
    b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
    return b.array();
  }

  static byte[] classic(ByteOrder order, int magic, int linkType, byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(24).order(order);
    h.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
    out.writeBytes(h.array());
    int sec = 1_700_000_000;
    for (byte[] f : frames) {
      ByteBuffer r = ByteBuffer.allocate(16).order(order);
      r.putInt(sec++).putInt(250).putInt(f.length).putInt(f.length);
      out.writeBytes(r.array());
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  @Test
  void classicBothByteOrdersAndNanosecondMagic() throws Exception {
    byte[] frame = ethIpv4Udp(68, 67, new byte[] {1, 2, 3});
    for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
      List<Frame> micro = PcapReader.read(classic(order, 0xa1b2c3d4, 1, frame, frame));
      assertThat(micro).hasSize(2);
      assertThat(micro.get(1).number()).isEqualTo(2);
      assertThat(micro.getFirst().timeNanos()).isEqualTo(1_700_000_000L * 1_000_000_000L + 250_000);
      List<Frame> nano = PcapReader.read(classic(order, 0xa1b23c4d, 1, frame));
      assertThat(nano.getFirst().timeNanos()).isEqualTo(1_700_000_000L * 1_000_000_000L + 250);
      UdpDatagram u = PcapReader.udp(micro.getFirst()).orElseThrow();
      assertThat(u.sourcePort()).isEqualTo(68);
      assertThat(u.destinationPort()).isEqualTo(67);
      assertThat(u.destination().getHostAddress()).isEqualTo("255.255.255.255");
      assertThat(u.payload()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void linuxCookedCapture() throws Exception {
    byte[] eth = ethIpv4Udp(1234, 69, "x".getBytes());
    byte[] sll = new byte[16 + eth.length - 14];
    sll[14] = 0x08; // protocol 0x0800 at offset 14
    System.arraycopy(eth, 14, sll, 16, eth.length - 14);
    Frame f = PcapReader.read(classic(ByteOrder.BIG_ENDIAN, 0xa1b2c3d4, PcapReader.LINKTYPE_LINUX_SLL, sll)).getFirst();
    assertThat(PcapReader.udp(f).orElseThrow().destinationPort()).isEqualTo(69);
  }

  @Test
  void refusesWhatIsNotACapture() {
    assertThatThrownBy(() -> PcapReader.read("hello, world".getBytes())).isInstanceOf(PcapFormatException.class)
        .hasMessageContaining("neither pcap nor pcapng");
    byte[] cut = classic(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, ethIpv4Udp(68, 67, new byte[10]));
    assertThatThrownBy(() -> PcapReader.read(java.util.Arrays.copyOf(cut, cut.length - 1)))
        .isInstanceOf(PcapFormatException.class).hasMessageContaining("truncated");
  }

  @Test
  void truncatedUdpInsideAFrameIsNotADatagram() throws Exception {
    byte[] frame = ethIpv4Udp(68, 67, new byte[20]);
    byte[] shortFrame = java.util.Arrays.copyOf(frame, frame.length - 5); // snaplen cut
    Frame f = PcapReader.read(classic(ByteOrder.BIG_ENDIAN, 0xa1b2c3d4, 1, shortFrame)).getFirst();
    assertThat(PcapReader.udp(f)).isEmpty();
  }

  /**
   * The lab captures are pcapng (dumpcap) and classic (tcpdump): every .hex payload the fixtures list, in order, is
   * exactly the UDP payload the reader finds for that port pair, so nothing is lost or misaligned.
   */
  @Test
  void realCapturesYieldExactlyTheFixturePayloads() throws Exception {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(FIXTURES)) {
      dirs = s.filter(d -> Files.exists(d.resolve("control.pcap"))).sorted().toList();
    }
    assertThat(dirs).hasSizeGreaterThanOrEqualTo(9);
    for (Path dir : dirs) {
      List<String> dhcpPayloads = PcapReader.read(Files.readAllBytes(dir.resolve("control.pcap"))).stream()
          .map(PcapReader::udp).flatMap(java.util.Optional::stream)
          .filter(u -> isDhcp(u.sourcePort()) || isDhcp(u.destinationPort()))
          .map(u -> HexFormat.of().formatHex(u.payload())).toList();
      List<String> expected = hexFiles(dir);
      assertThat(dhcpPayloads).as(dir.toString()).isEqualTo(expected);
    }
  }

  private static boolean isDhcp(int port) {
    return port == 67 || port == 68 || port == 4011 || port == 546 || port == 547;
  }

  private static List<String> hexFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".hex")).sorted().map(p -> {
        try {
          return Files.readString(p).strip();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }
}
