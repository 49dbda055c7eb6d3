package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.dhcp6.ClientServerMessage;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Option;
import dev.bootline.dhcp6.Duid;
import dev.bootline.dhcp6.MessageType;
import dev.bootline.dhcp6.RelayMessage;
import dev.bootline.wire.MacAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DecodeCommandTest {
  static final Path FIXTURES = Path.of("/work/shared/fixtures");

  static List<Path> captures() throws Exception {
    try (Stream<Path> s = Files.list(FIXTURES)) {
      return s.map(d -> Files.exists(d.resolve("control.pcap")) ? d.resolve("control.pcap") : d.resolve("vcli.pcap"))
          .filter(Files::exists).sorted().toList();
    }
  }

  /** Every DHCP packet of every real capture decodes, and as many as the fixture's per-packet files list. */
  @Test
  void everyDhcpPacketInTheRealCapturesDecodes() throws Exception {
    List<Path> pcaps = captures();
    assertThat(pcaps).hasSizeGreaterThanOrEqualTo(10);
    for (Path pcap : pcaps) {
      Cli r = Cli.run("decode", pcap.toString());
      assertThat(r.exitCode()).as(pcap + ": " + r.err()).isZero();
      String summary = r.out().lines().reduce((a, b) -> b).orElseThrow();
      assertThat(summary).as(pcap.toString()).endsWith(", 0 malformed");
      if (pcap.getFileName().toString().equals("control.pcap")) {
        long hexFiles;
        try (Stream<Path> s = Files.list(pcap.getParent())) {
          hexFiles = s.filter(p -> p.toString().endsWith(".hex")).count();
        }
        Matcher m = Pattern.compile("(\\d+) DHCPv4, (\\d+) DHCPv6").matcher(summary);
        assertThat(m.find()).isTrue();
        assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).as(pcap.toString()).isEqualTo(hexFiles);
      }
    }
  }

  /** Spot-check against Wireshark's decodes: transaction ids in order, vendor classes and PXE menu texts. */
  @Test
  void agreesWithTheWiresharkDecodes() throws Exception {
    for (Path pcap : captures()) {
      Path dir = pcap.getParent();
      List<Path> txts;
      try (Stream<Path> s = Files.list(dir)) {
        txts = s.filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.txt")).sorted().toList();
      }
      if (txts.isEmpty()) {
        continue;
      }
      String out = Cli.run("decode", pcap.toString()).out();
      int from = 0;
      for (Path txt : txts) {
        String t = Files.readString(txt);
        Matcher xid = Pattern.compile("Transaction ID: 0x([0-9a-f]+)").matcher(t);
        assertThat(xid.find()).as(txt.toString()).isTrue();
        String ours = "xid=0x" + (t.startsWith("DHCPv6") ? String.format("%06x", Integer.parseInt(xid.group(1), 16))
            : String.format("%08x", Long.parseLong(xid.group(1), 16)));
        int at = out.indexOf(ours, from);
        assertThat(at).as(txt + ": " + ours + " after offset " + from).isGreaterThanOrEqualTo(0);
        from = at + 1;
        for (String vc : matches(t, "Vendor class identifier: (.+)")) {
          assertThat(out).as(txt.toString()).contains("'" + vc + "'");
        }
        for (String d : matches(t, "Description: (.+)")) {
          assertThat(out).as(txt.toString()).contains(": '" + d + "'");
        }
        for (String p : matches(t, "Prompt: (.+)")) {
          assertThat(out).as(txt.toString()).contains(" '" + p + "'");
        }
      }
    }
  }

  private static List<String> matches(String text, String regex) {
    return Pattern.compile(regex).matcher(text).results().map(m -> m.group(1).strip()).toList();
  }

  @Test
  void showsClientFactsForClientMessages() throws Exception {
    String out = Cli.run("decode", FIXTURES.resolve("uefi-pxe4-virtio-net-pci-builtin-tcg/control.pcap").toString()).out();
    assertThat(out)
        .contains("client facts (as bootline's proxy on 67 derives them):")
        .contains("vendor class:       'PXEClient:Arch:00007:UNDI:003000'")
        .contains("client facts (as bootline's boot server on 4011 derives them):")
        .contains("71 boot item type 32771 (0x8003) layer 0")
        .contains("boot plan (default config: no menu, no template):")
        .contains("plan:               TftpFile 52:54:00:12:34:56/ipxe.efi");
    String v6 = Cli.run("decode", FIXTURES.resolve("uefi-pxe6-virtio-net-pci-builtin-tcg/control.pcap").toString()).out();
    assertThat(v6)
        .contains("client facts (as bootline's DHCPv6 server derives them):")
        .contains("mac:                52:54:00:12:34:56 (from duid)")
        .contains("option 61 Client Architecture: 7 (EFI x86-64)")
        .contains("bootline: a RELEASE gets no boot decision (no client facts)");
  }

  @Test
  void decodesTftpAndIpxeOption175() throws Exception {
    String out = Cli.run("decode", FIXTURES.resolve("bios-pxe-e1000-tcg-ra1/control.pcap").toString()).out();
    assertThat(out)
        .contains("TFTP RRQ 'undionly.kpxe' OCTET blksize=1432 tsize=0")
        .contains("TFTP OACK blksize=1432 tsize=74213")
        .contains("option 175 iPXE encapsulated options (48 bytes): iPXE sub-options")
        .contains("177 bus-id PCI 8086:100e")
        .contains("235 version 1.0.0");
  }

  @Test
  void hexPayloadWithGuessedAndForcedProtocol() throws Exception {
    String hex = Files.readString(FIXTURES.resolve("bios-pxe-e1000-tcg-ra1/01-client-dhcp4-discover.hex")).strip();
    Cli guessed = Cli.run("decode", "--hex", hex);
    assertThat(guessed.exitCode()).isZero();
    assertThat(guessed.out())
        .contains("DHCPv4 DISCOVER (BOOTREQUEST) xid=0xd5611f45")
        .contains("option 93 Client System Architecture (2 bytes): 0 (Intel x86PC)")
        .contains("protocol:           DHCP4_PROXY");
    assertThat(guessed.out()).contains("server host:        0.0.0.0");
    assertThat(Cli.run("decode", "--server-address", "192.0.2.9", "--hex", hex).out()).contains("server host:        192.0.2.9");
    Cli wrong = Cli.run("decode", "--tftp", "--hex", hex);
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.out()).contains("malformed TFTP");
  }

  @Test
  void relayedSolicitShowsHopsAndTheMacFromTheRelay() throws Exception {
    MacAddress mac = MacAddress.parse("52:54:00:aa:bb:cc").orElseThrow();
    var solicit = ClientServerMessage.of(MessageType.SOLICIT, 0x123456,
        new Dhcp6Option.ClientId(new Duid.Uuid(new java.util.UUID(0, 0))), Dhcp6Option.OptionRequest.of(59),
        Dhcp6Option.ClientArch.of(7), Dhcp6Option.UserClass.of("iPXE"));
    Inet6Address link = (Inet6Address) InetAddress.getByName("2001:db8:1::1");
    Inet6Address peer = (Inet6Address) InetAddress.getByName("fe80::5054:ff:feaa:bbcc");
    var inner = RelayMessage.forward(0, link, peer, new Dhcp6Option.RelayMessageOption(solicit));
    var outer = RelayMessage.forward(1, link, link, new Dhcp6Option.RelayMessageOption(inner));
    Cli r = Cli.run("decode", "--v6", "--hex", HexFormat.of().formatHex(Dhcp6Codec.encode(outer)));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("relay hops: 2")
        .contains("DHCPv6 RELAY_FORW hop-count=1")
        .contains("DHCPv6 RELAY_FORW hop-count=0 link=2001:db8:1::1 peer=fe80::5054:ff:feaa:bbcc")
        .contains("DHCPv6 SOLICIT xid=0x123456")
        .contains("mac:                " + mac + " (from relay_peer_address_eui64)")
        .contains("ipxe:               true");
  }

  @Test
  void unreadableCaptureIsAnError() throws Exception {
    Path f = Files.writeString(Files.createTempFile("not", ".pcap"), "hello");
    Cli r = Cli.run("decode", f.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not a readable capture: magic 0x68656c6c is neither pcap nor pcapng");
  }

  /**
   * QEMU's BIOS ROM is iPXE: the live proxy gives it the menu unless it just handed that MAC a boot file (then it is the
   * chainloaded iPXE and gets the URL). A capture has no such memory, so decode shows both cases, not one plan.
   */
  @Test
  void anIpxeBiosDiscoverWithAMenuShowsBothWaysTheProxyCanDecide(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String hex = Files.readString(FIXTURES.resolve("bios-pxe-virtio-net-pci-tcg-ra1/01-client-dhcp4-discover.hex"));
    Cli r = Cli.run("decode", "--config", Cli.exampleConfig(dir).toString(), "--hex", hex);
    assertThat(r.exitCode()).as(r.err()).isZero();
    String out = r.out();
    assertThat(out).contains("the live proxy on 67 decides by its recent TFTP hand-outs");
    int rom = out.indexOf("- no boot file handed to 52:54:00:12:34:56 in the last 2 min: the machine's iPXE ROM");
    int chained = out.indexOf("- a boot file handed to it within 2 min: the iPXE that ROM chainloaded");
    assertThat(rom).isPositive();
    assertThat(chained).isGreaterThan(rom);
    assertThat(out.substring(rom, chained)).contains("ipxe:               false").contains("plan:               Menu (3 items")
        .contains("event:              pxe_menu_shown");
    assertThat(out.substring(chained)).contains("ipxe:               true").contains("plan:               HttpUrl http://")
        .contains("event:              point_ipxe_to_http_boot");

    // without a menu there is only one answer: iPXE gets the URL
    Path noMenu = Files.writeString(dir.resolve("no-menu.yaml"), "boot:\n  http-boot-url-template: \"http://boot.example/{{.MAC}}.ipxe\"\n");
    Cli plain = Cli.run("decode", "--config", noMenu.toString(), "--hex", hex);
    assertThat(plain.out()).doesNotContain("recent TFTP hand-outs").contains("ipxe:               true")
        .contains("plan:               HttpUrl http://boot.example/52:54:00:12:34:56.ipxe");
  }
}
