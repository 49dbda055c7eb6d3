package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPlan;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.dhcp4.ProxyResponder.Arrival;
import dev.bootline.dhcp4.ProxyResponder.Outcome;
import dev.bootline.dhcp4.ProxyResponder.Reply;
import dev.bootline.dhcp4.ProxyResponder.Service;
import dev.bootline.dhcp4.ProxyResponder.Silent;
import dev.bootline.testing.Fixtures;
import dev.bootline.wire.MalformedPacketException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The proxy's decisions on captured real requests (../shared/fixtures): SeaBIOS + iPXE ROM, OVMF PXEv4, OVMF HTTPv4.
 * Where dnsmasq's accepted reply is in the same capture, the reply is compared with its shape.
 */
class ProxyResponderTest {
  static final String BIOS = "bios-pxe-virtio-net-pci-tcg-ra1";
  static final String UEFI = "uefi-pxe4-virtio-net-pci-builtin-tcg";
  static final String HTTP = "uefi-http4-virtio-net-pci-builtin-tcg";
  static final Inet4Address US = ip("192.0.2.1");
  static final String URL = "http://192.0.2.1/mac/52:54:00:12:34:56/boot.ipxe";

  static final String MENU_CONFIG =
      """
      interfaces: [br0]
      boot:
        http-boot-url-template: "http://192.0.2.1/mac/{{.MAC}}/boot.ipxe"
      proxy-dhcp:
        menu:
          prompt: "bootline menu"
          timeout: 2
          items:
            - {label: "Network boot (iPXE)", boot: ipxe}
            - {label: "Boot from local disk", boot: local}
            - {label: "Rescue", boot: {file: rescue/pxelinux.0}}
      """;
  static final String NO_MENU_CONFIG =
      """
      interfaces: [br0]
      boot:
        http-boot-url-template: "http://192.0.2.1/mac/{{.MAC}}/boot.ipxe"
      """;

  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void biosRomDiscoverWithMenuGetsTheMenuOfferShapedLikeDnsmasqs() throws Exception {
    Reply r = reply(responder(MENU_CONFIG), fixture(BIOS, "01-client-dhcp4-discover.hex"), proxy());
    Dhcp4Message offer = r.message();
    Dhcp4Message dnsmasq = fixture(BIOS, "02-server-dhcp4-offer.hex");

    assertThat(offer.messageType()).contains(Dhcp4MessageType.OFFER);
    assertThat(offer.xid()).isEqualTo(dnsmasq.xid());
    assertThat(offer.chaddr()).isEqualTo(dnsmasq.chaddr());
    assertThat(offer.yiaddr().getHostAddress()).isEqualTo("0.0.0.0");
    assertThat(offer.siaddr()).isEqualTo(US);
    assertThat(offer.options().serverIdentifier()).contains(US);
    assertThat(offer.options().vendorClass().orElseThrow().text()).isEqualTo("PXEClient");
    assertThat(offer.options().get(97)).contains(dnsmasq.options().get(97).orElseThrow());
    assertThat(offer.isBroadcast()).isEqualTo(dnsmasq.isBroadcast()).isTrue();
    assertNoAddressOptions(offer);
    // the same sub-options as dnsmasq's menu offer, in the same order
    PxeVendorOptions pxe = offer.options().pxeVendorOptions().orElseThrow();
    assertThat(pxe.subOptions().stream().map(PxeSubOption::code).toList())
        .isEqualTo(dnsmasq.options().pxeVendorOptions().orElseThrow().subOptions().stream().map(PxeSubOption::code).toList())
        .containsExactly(6, 8, 9, 10);
    assertThat(pxe.discoveryControl().orElseThrow().bits())
        .isEqualTo(dnsmasq.options().pxeVendorOptions().orElseThrow().discoveryControl().orElseThrow().bits());
    assertThat(pxe.menuPrompt().orElseThrow()).isEqualTo(new PxeSubOption.MenuPrompt(2, "bootline menu"));
    assertThat(pxe.bootMenu().orElseThrow().items())
        .containsExactly(
            new PxeSubOption.MenuItem(0x8000, "Network boot (iPXE)"),
            new PxeSubOption.MenuItem(0, "Boot from local disk"), // PXE type 0: the ROM boots locally itself
            new PxeSubOption.MenuItem(0x8002, "Rescue"));
    assertThat(pxe.bootServers().orElseThrow().servers())
        .containsExactly(
            new PxeSubOption.BootServer(0x8000, List.of(US)), new PxeSubOption.BootServer(0x8002, List.of(US)));
    assertThat(offer.fileField()).isEmpty();

    assertThat(r.destination()).isEqualTo(new InetSocketAddress(ip("255.255.255.255"), 68));
    assertThat(r.broadcast()).isTrue();
    assertThat(r.ifIndex()).isEqualTo(7);
    assertThat(r.source()).isEqualTo(US);
    assertThat(offer.encode().length).isGreaterThanOrEqualTo(300);
    assertThat(r.event().orElseThrow().name()).isEqualTo("pxe_menu_shown");
    assertThat(r.event().orElseThrow().detail()).containsEntry("arch", 0).containsEntry("interface", "br0");
  }

  @Test
  void menuChoiceAt4011GetsTheIpxeFileWithTheChoiceEchoedToTheSourcePort() throws Exception {
    ProxyResponder responder = responder(MENU_CONFIG);
    Dhcp4Message request = fixture(BIOS, "09-client-dhcp4-request-4011.hex"); // 43.71 type 0x8000, from port 68
    InetSocketAddress client = new InetSocketAddress(ip("192.0.2.158"), 68);
    Reply r = reply(responder, request, bootServer(client));
    Dhcp4Message ack = r.message();
    Dhcp4Message dnsmasq = fixture(BIOS, "10-server-dhcp4-ack-4011.hex");

    assertThat(ack.messageType()).contains(Dhcp4MessageType.ACK);
    assertThat(ack.xid()).isEqualTo(dnsmasq.xid());
    assertThat(ack.fileField()).contains("52:54:00:12:34:56/undionly.kpxe");
    assertThat(ack.siaddr()).isEqualTo(US);
    assertThat(ack.options().serverIdentifier()).contains(US);
    assertThat(ack.options().vendorClass().orElseThrow().text()).isEqualTo("PXEClient");
    assertThat(ack.options().pxeVendorOptions().orElseThrow().bootItem())
        .isEqualTo(dnsmasq.options().pxeVendorOptions().orElseThrow().bootItem())
        .contains(new PxeSubOption.BootItem(0x8000, 0));
    assertThat(ack.yiaddr().getHostAddress()).isEqualTo("0.0.0.0");
    assertNoAddressOptions(ack);
    assertThat(r.destination()).isEqualTo(client);
    assertThat(r.broadcast()).isFalse();
    assertThat(r.event().orElseThrow().name()).isEqualTo("pxe_menu_choice");
    assertThat(r.event().orElseThrow().detail())
        .containsEntry("label", "Network boot (iPXE)")
        .containsEntry("file", "52:54:00:12:34:56/undionly.kpxe");
  }

  @Test
  void theChainloadedIpxeGetsTheHttpUrlNotTheMenuAgain() throws Exception {
    ProxyResponder responder = responder(MENU_CONFIG);
    reply(responder, fixture(BIOS, "09-client-dhcp4-request-4011.hex"), bootServer(new InetSocketAddress(ip("192.0.2.158"), 68)));
    nanos.addAndGet(3_000_000_000L); // undionly.kpxe is fetched and starts: its DISCOVER comes seconds later

    Reply r = reply(responder, fixture(BIOS, "11-client-dhcp4-discover.hex"), proxy());
    assertThat(r.plan()).isInstanceOf(BootPlan.HttpUrl.class);
    assertThat(r.message().fileField()).contains(URL);
    assertThat(r.message().siaddr()).isEqualTo(US); // iPXE ignores a proxy offer without siaddr + file or a menu
    assertThat(r.message().options().vendorSpecific()).isEmpty();
    assertThat(r.event().orElseThrow().name()).isEqualTo("point_ipxe_to_http_boot");
    assertThat(r.event().orElseThrow().detail()).containsEntry("url", URL);

    // a reboot much later: the ROM is firmware again and gets the menu
    nanos.addAndGet(ProxyResponder.CHAIN_WINDOW.toNanos());
    Reply again = reply(responder, fixture(BIOS, "01-client-dhcp4-discover.hex"), proxy());
    assertThat(again.plan()).isInstanceOf(BootPlan.Menu.class);
  }

  @Test
  void ipxeWithoutMenuGetsTheHttpUrlAtOnce() throws Exception {
    Reply r = reply(responder(NO_MENU_CONFIG), fixture(BIOS, "01-client-dhcp4-discover.hex"), proxy());
    assertThat(r.message().fileField()).contains(URL);
    assertThat(r.message().options().vendorSpecific()).isEmpty();
    assertThat(r.message().yiaddr().getHostAddress()).isEqualTo("0.0.0.0");
  }

  @Test
  void uefiDiscoverGetsAnOfferWithoutOption43SoItAsksTheBootServer() throws Exception {
    Dhcp4Message discover = fixture(UEFI, "01-client-dhcp4-discover.hex");
    Dhcp4Message dnsmasq = fixture(UEFI, "02-server-dhcp4-offer.hex");
    for (String config : List.of(MENU_CONFIG, NO_MENU_CONFIG)) {
      Reply r = reply(responder(config), discover, proxy());
      Dhcp4Message offer = r.message();
      assertThat(offer.options().contains(43)).isFalse();
      assertThat(offer.options().codes()).isEqualTo(dnsmasq.options().codes()).containsExactly(53, 54, 60, 97);
      assertThat(offer.siaddr()).isEqualTo(US);
      assertThat(offer.yiaddr().getHostAddress()).isEqualTo("0.0.0.0");
      assertThat(offer.fileField()).isEqualTo(dnsmasq.fileField()).isEmpty();
      assertThat(r.destination()).isEqualTo(new InetSocketAddress(ip("255.255.255.255"), 68));
    }
  }

  @Test
  void uefiBootServerRequestWithoutChoiceGetsTheMenuWithChoiceTheFile() throws Exception {
    ProxyResponder responder = responder(MENU_CONFIG);
    InetSocketAddress ovmf = new InetSocketAddress(ip("192.0.2.158"), 4011);
    Reply menu = reply(responder, fixture(UEFI, "06-client-dhcp4-request-4011.hex"), bootServer(ovmf));
    assertThat(menu.message().messageType()).contains(Dhcp4MessageType.ACK);
    assertThat(menu.message().options().pxeVendorOptions().orElseThrow().bootMenu()).isPresent();
    assertThat(menu.message().options().codes())
        .isEqualTo(fixture(UEFI, "07-server-dhcp4-ack-4011.hex").options().codes());
    assertThat(menu.destination()).isEqualTo(ovmf); // OVMF sends from 4011 and listens there

    // the capture's choice is 0x8003 (dnsmasq's 4th UEFI item); ours has item 0x8000 = iPXE
    Dhcp4Message choice = withBootItem(fixture(UEFI, "08-client-dhcp4-request-4011.hex"), 0x8000);
    Reply file = reply(responder, choice, bootServer(ovmf));
    assertThat(file.message().fileField()).contains("52:54:00:12:34:56/ipxe.efi");
    assertThat(file.message().siaddr()).isEqualTo(US);
    assertThat(file.message().options().pxeVendorOptions().orElseThrow().bootItem())
        .contains(new PxeSubOption.BootItem(0x8000, 0));
    assertThat(file.destination()).isEqualTo(ovmf);
  }

  @Test
  void uefiBootServerWithoutMenuGivesTheFileStraightAway() throws Exception {
    InetSocketAddress ovmf = new InetSocketAddress(ip("192.0.2.158"), 4011);
    Reply r = reply(responder(NO_MENU_CONFIG), fixture(UEFI, "06-client-dhcp4-request-4011.hex"), bootServer(ovmf));
    assertThat(r.message().fileField()).contains("52:54:00:12:34:56/ipxe.efi");
    assertThat(r.message().options().contains(43)).isFalse();
    assertThat(r.event().orElseThrow().name()).isEqualTo("point_pxe_to_ipxe_over_tftp");
  }

  @Test
  void httpBootFirmwareGetsHttpClientAndTheUrl() throws Exception {
    Reply r = reply(responder(MENU_CONFIG), fixture(HTTP, "01-client-dhcp4-discover.hex"), proxy());
    Dhcp4Message dnsmasq = fixture(HTTP, "02-server-dhcp4-offer.hex");
    assertThat(r.message().options().vendorClass().orElseThrow().text())
        .isEqualTo(dnsmasq.options().vendorClass().orElseThrow().text())
        .isEqualTo("HTTPClient");
    assertThat(r.message().fileField()).contains(URL);
    assertThat(r.message().yiaddr().getHostAddress()).isEqualTo("0.0.0.0");
    assertThat(r.message().options().contains(43)).isFalse();
    assertNoAddressOptions(r.message());
    assertThat(r.event().orElseThrow().name()).isEqualTo("http_boot");
  }

  @Test
  void relayedDiscoverIsAnsweredToTheRelayWithOption82Echoed() throws Exception {
    byte[] agentInfo = {1, 4, 'p', 'o', 'r', 't', 2, 2, 'r', '1'};
    Dhcp4Message relayed = relayed(fixture(UEFI, "01-client-dhcp4-discover.hex"), ip("198.51.100.254"), agentInfo);
    Reply r = reply(responder(MENU_CONFIG), relayed, proxy());
    assertThat(r.destination()).isEqualTo(new InetSocketAddress(ip("198.51.100.254"), 67));
    assertThat(r.broadcast()).isFalse();
    assertThat(r.message().giaddr()).isEqualTo(ip("198.51.100.254"));
    assertThat(r.message().options().get(82)).contains(agentInfo);
    assertThat(r.message().options().serverIdentifier()).contains(US);
  }

  @Test
  void nonPxeDiscoverIsSilentAndRecordedAsOsInitOncePerQuietPeriod() throws Exception {
    ProxyResponder responder = responder(MENU_CONFIG);
    Dhcp4Message os = without(fixture(UEFI, "01-client-dhcp4-discover.hex"), c -> c == 60 || c == 77 || c == 175);

    Outcome first = responder.respond(os, proxy());
    assertThat(first).isInstanceOf(Silent.class);
    assertThat(((Silent) first).reason()).isEqualTo("not_pxe");
    assertThat(first.event().orElseThrow().name()).isEqualTo("os_init");
    assertThat(first.event().orElseThrow().mac()).isEqualTo("52:54:00:12:34:56");

    nanos.addAndGet(60_000_000_000L);
    assertThat(responder.respond(os, proxy()).event()).isEmpty();
    nanos.addAndGet(ProxyResponder.OS_INIT_QUIET.toNanos());
    assertThat(responder.respond(os, proxy()).event().orElseThrow().name()).isEqualTo("os_init");
  }

  @Test
  void requestForTheSiteDhcpServerIsNeverAcked() throws Exception {
    // the ROM's REQUEST on 67 names the site server 192.0.2.2 in option 54
    Outcome o = responder(MENU_CONFIG).respond(fixture(BIOS, "07-client-dhcp4-request.hex"), proxy());
    assertThat(o).isInstanceOf(Silent.class);
    assertThat(((Silent) o).reason()).isEqualTo("request_for_other_server");
  }

  @Test
  void requestOn67AimedAtUsGetsAProxyAck() throws Exception {
    Dhcp4Message request = fixture(UEFI, "04-client-dhcp4-request.hex");
    Arrival at = new Arrival(Service.PROXY_67, "br0", 7, request.options().serverIdentifier().orElseThrow(),
        new InetSocketAddress(ip("0.0.0.0"), 68), ip("255.255.255.255"));
    Reply r = reply(responder(MENU_CONFIG), request, at);
    assertThat(r.message().messageType()).contains(Dhcp4MessageType.ACK);
    assertThat(r.message().yiaddr().getHostAddress()).isEqualTo("0.0.0.0");
    assertNoAddressOptions(r.message());
  }

  @Test
  void serverRepliesAndOffersFromOthersAreIgnored() throws Exception {
    Outcome o = responder(MENU_CONFIG).respond(fixture(BIOS, "02-server-dhcp4-offer.hex"), proxy());
    assertThat(((Silent) o).reason()).isEqualTo("not_bootrequest");
  }

  @Test
  void unreadableOption43AtTheBootServerIsMalformed() throws Exception {
    Dhcp4Message request = fixture(UEFI, "08-client-dhcp4-request-4011.hex");
    Dhcp4Message broken = replaceOption(request, 43, new byte[] {71, 9, (byte) 0x80, 0});
    assertThatThrownBy(() -> responder(MENU_CONFIG).respond(broken, bootServer(new InetSocketAddress(ip("192.0.2.158"), 4011))))
        .isInstanceOf(MalformedPacketException.class)
        .extracting(e -> ((MalformedPacketException) e).reason())
        .isEqualTo("option_overrun");
  }

  @Test
  void ignoredMachineGetsNothing() throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml(MENU_CONFIG, "t.yaml", List.of());
    ProxyResponder r = new ProxyResponder(c, new BootPolicy(c), mac -> java.util.Optional.of(new Assignment.Ignore()), nanos::get);
    Outcome o = r.respond(fixture(BIOS, "01-client-dhcp4-discover.hex"), proxy());
    assertThat(((Silent) o).reason()).isEqualTo("ignored");
    assertThat(o.event().orElseThrow().name()).isEqualTo("ignored");
  }

  @Test
  void localAssignmentGivesBiosAOneItemLocalBootMenu() throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml(NO_MENU_CONFIG, "t.yaml", List.of());
    ProxyResponder r = new ProxyResponder(c, new BootPolicy(c), mac -> java.util.Optional.of(new Assignment.Local()), nanos::get);
    Dhcp4Message biosFirmware = without(fixture(BIOS, "01-client-dhcp4-discover.hex"), code -> code == 77 || code == 175);
    Reply reply = reply(r, biosFirmware, proxy());
    PxeVendorOptions pxe = reply.message().options().pxeVendorOptions().orElseThrow();
    assertThat(pxe.bootMenu().orElseThrow().items()).extracting(PxeSubOption.MenuItem::type).containsExactly(0);
    assertThat(pxe.menuPrompt().orElseThrow().timeout()).isZero();
    assertThat(reply.message().fileField()).isEmpty();
  }

  // ---- validation

  @Test
  void oversizedMenuIsRefusedWithTheBytesOver() throws Exception {
    StringBuilder yaml = new StringBuilder("interfaces: [br0]\nproxy-dhcp:\n  menu:\n    prompt: \"" + "p".repeat(60)
        + "\"\n    items:\n");
    for (int i = 0; i < 6; i++) {
      yaml.append("      - {label: \"").append("Item ").append(i).append(" ").append("x".repeat(30)).append("\", boot: ipxe}\n");
    }
    BootlineConfig c = ConfigLoader.fromYaml(yaml.toString(), "t.yaml", List.of());
    // 6 + 3+6*7 (servers) + 2+6*(3+37) (menu) + 2+61 (prompt) + 3 (discovery) + 1 (end) = 360
    int expected = 3 + (2 + 6 * 7) + (2 + 6 * 40) + (2 + 61) + 1;
    assertThat(ProxyDhcpServer.validate(c))
        .singleElement()
        .asString()
        .contains(expected + " bytes, " + (expected - 255) + " bytes over the 255-byte limit");
    ProxyDhcpServer server = new ProxyDhcpServer(c, new BootPolicy(c), Assignment.Source.NONE, (m, ip, n, d, s) -> null);
    assertThatThrownBy(server::start).hasMessageContaining((expected - 255) + " bytes over");
  }

  @Test
  void nonLatin1LabelIsRefused() throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml(
        "interfaces: [br0]\nproxy-dhcp:\n  menu:\n    items:\n      - {label: \"Netzwerk → iPXE\", boot: ipxe}\n",
        "t.yaml", List.of());
    assertThat(ProxyDhcpServer.validate(c)).singleElement().asString().contains("items[0].label").contains("ISO-8859-1");
  }

  @Test
  void theTestMenuFits() throws Exception {
    assertThat(ProxyDhcpServer.validate(ConfigLoader.fromYaml(MENU_CONFIG, "t.yaml", List.of()))).isEmpty();
  }

  // ---- helpers

  ProxyResponder responder(String yaml) throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml(yaml, "t.yaml", List.of());
    return new ProxyResponder(c, new BootPolicy(c), Assignment.Source.NONE, nanos::get);
  }

  static Reply reply(ProxyResponder responder, Dhcp4Message request, Arrival arrival) throws Exception {
    Outcome o = responder.respond(request, arrival);
    assertThat(o).as("outcome for %s", request).isInstanceOf(Reply.class);
    Reply r = (Reply) o;
    // what goes on the wire decodes to the same message
    assertThat(Dhcp4Message.decode(r.message().encode())).isEqualTo(r.message());
    return r;
  }

  static Arrival proxy() {
    return new Arrival(Service.PROXY_67, "br0", 7, US, new InetSocketAddress(ip("0.0.0.0"), 68), ip("255.255.255.255"));
  }

  static Arrival bootServer(InetSocketAddress client) {
    return new Arrival(Service.BOOT_SERVER_4011, "br0", 7, US, client, US);
  }

  static void assertNoAddressOptions(Dhcp4Message m) {
    assertThat(m.options().codes()).doesNotContain(1, 3, 6, 51, 58, 59, 28, 15);
  }

  static Dhcp4Message fixture(String scenario, String file) throws MalformedPacketException {
    return Dhcp4Message.decode(Fixtures.bytes(scenario, file));
  }

  static Dhcp4Message withBootItem(Dhcp4Message m, int type) {
    return replaceOption(m, 43, PxeVendorOptions.of(new PxeSubOption.BootItem(type, 0)).encode());
  }

  static Dhcp4Message replaceOption(Dhcp4Message m, int code, byte[] data) {
    List<Dhcp4OptionItem> items = new ArrayList<>();
    for (Dhcp4OptionItem item : m.options().items()) {
      if (item instanceof Dhcp4OptionItem.Option o && o.code() == code) {
        items.add(new Dhcp4OptionItem.Option(code, data));
      } else {
        items.add(item);
      }
    }
    return withOptions(m, m.giaddr(), items);
  }

  static Dhcp4Message without(Dhcp4Message m, Predicate<Integer> drop) {
    List<Dhcp4OptionItem> items = new ArrayList<>();
    for (Dhcp4OptionItem item : m.options().items()) {
      if (!(item instanceof Dhcp4OptionItem.Option o && drop.test(o.code()))) {
        items.add(item);
      }
    }
    return withOptions(m, m.giaddr(), items);
  }

  static Dhcp4Message relayed(Dhcp4Message m, Inet4Address giaddr, byte[] option82) {
    List<Dhcp4OptionItem> items = new ArrayList<>();
    for (Dhcp4OptionItem item : m.options().items()) {
      if (item instanceof Dhcp4OptionItem.End) {
        items.add(new Dhcp4OptionItem.Option(82, option82));
      }
      items.add(item);
    }
    return withOptions(m, giaddr, items);
  }

  static Dhcp4Message withOptions(Dhcp4Message m, Inet4Address giaddr, List<Dhcp4OptionItem> items) {
    return new Dhcp4Message(m.op(), m.htype(), m.hlen(), m.hops() + (giaddr.equals(m.giaddr()) ? 0 : 1), m.xid(),
        m.secs(), m.flags(), m.ciaddr(), m.yiaddr(), m.siaddr(), giaddr, m.chaddr(), m.sname(), m.file(),
        new Dhcp4Options(items));
  }

  static Inet4Address ip(String text) {
    try {
      return (Inet4Address) InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
