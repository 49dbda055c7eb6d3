package dev.bootline.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.dhcp6.Dhcp6Option.BootFileUrl;
import dev.bootline.dhcp6.Dhcp6Option.ClientLinkLayerAddress;
import dev.bootline.dhcp6.Dhcp6Option.IaAddress;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.InterfaceId;
import dev.bootline.dhcp6.Dhcp6Option.Preference;
import dev.bootline.dhcp6.Dhcp6Option.StatusCode;
import dev.bootline.dhcp6.Dhcp6Option.VendorClass;
import dev.bootline.testing.Fixtures;
import dev.bootline.wire.MacAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Real OVMF / iPXE packets in, our answers checked field by field. */
class Dhcp6ResponderTest {
  static final String PXE6 = "uefi-pxe6-virtio-net-pci-builtin-tcg";
  static final String HTTP6 = "uefi-http6kea-virtio-net-pci-builtin-tcg";
  static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56").orElseThrow();
  static final Duid SERVER_DUID = new Duid.Ll(1, Bytes.of(new byte[] {2, 0, 0, 0, 0, 1}));

  final Dhcp6Responder responder;
  final Inet6Address serverAddr = v6("2001:db8:1::1");
  final Inet6Address clientLinkLocal = v6("fe80::5054:ff:fe12:3456%1");

  Dhcp6ResponderTest() throws Exception {
    BootlineConfig cfg = ConfigLoader.fromYaml("""
        interfaces: [br0]
        dhcp6:
          base-address: "2001:db8:1:0:abcd::"
          dns: ["2001:db8::53"]
        boot:
          http-boot-url-template: "http://[2001:db8:1::1]/mac/{{.MAC}}/boot.ipxe"
        """, "t.yaml", List.of());
    responder = new Dhcp6Responder(cfg, new BootPolicy(cfg), Assignment.Source.NONE, SERVER_DUID);
  }

  static Inet6Address v6(String s) {
    try {
      return (Inet6Address) InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  Dhcp6Message fixture(String scenario, String file) throws Exception {
    return Dhcp6Codec.decode(Fixtures.bytes(scenario, file));
  }

  Dhcp6Responder.Answer answer(Dhcp6Message m) {
    Dhcp6Responder.Outcome o = responder.respond(m, new Dhcp6Responder.Arrival("br0", 1, clientLinkLocal, Optional.of(serverAddr)));
    assertThat(o).as("outcome").isInstanceOf(Dhcp6Responder.Answer.class);
    return (Dhcp6Responder.Answer) o;
  }

  /** Replaces the captured reference server's Server ID with ours, as the client would after our Advertise. */
  static Dhcp6Message toUs(Dhcp6Message m) {
    return ((ClientServerMessage) m).toBuilder().remove(Dhcp6Option.SERVER_ID).add(new Dhcp6Option.ServerId(SERVER_DUID)).build();
  }

  static Inet6Address derived() {
    return v6("2001:db8:1:0:abcd:5254:12:3456");
  }

  @Test
  void ovmfPxeSolicitGetsAdvertiseWithDerivedAddressTftpUrlAndPreference() throws Exception {
    Dhcp6Responder.Answer a = answer(fixture(PXE6, "05-client-dhcp6-solicit.hex"));
    ClientServerMessage adv = (ClientServerMessage) a.reply();
    assertThat(adv.type()).contains(MessageType.ADVERTISE);
    assertThat(adv.transactionId()).isEqualTo(((ClientServerMessage) fixture(PXE6, "05-client-dhcp6-solicit.hex")).transactionId());
    assertThat(adv.iaNas()).hasSize(1);
    assertThat(adv.iaNas().getFirst().addresses()).extracting(IaAddress::address).containsExactly(derived());
    assertThat(adv.option(Preference.class)).contains(new Preference(255));
    assertThat(adv.option(BootFileUrl.class).map(BootFileUrl::url))
        .contains("tftp://[2001:db8:1::1]/52:54:00:12:34:56/ipxe.efi");
    assertThat(adv.vendorClass()).isEmpty(); // never PXEClient back: EDK2 would then probe 4011
    assertThat(adv.clientId()).isEqualTo(fixture(PXE6, "05-client-dhcp6-solicit.hex").clientId());
    assertThat(a.macSource()).isEqualTo("duid");
    assertThat(a.plan().orElseThrow().event()).isEqualTo("point_pxe_to_ipxe_over_tftp");
    assertThat(a.to().getPort()).isEqualTo(546);
    // the reply re-encodes and decodes (what goes on the wire)
    assertThat(Dhcp6Codec.decode(Dhcp6Codec.encode(adv))).isEqualTo(adv);
  }

  /** The captured Request as it follows our Advertise: same IAID, our derived address in its IA. */
  static Dhcp6Message afterOurAdvertise(Dhcp6Message captured) {
    ClientServerMessage m = (ClientServerMessage) toUs(captured);
    ClientServerMessage.Builder b = m.toBuilder().remove(Dhcp6Option.IA_NA);
    for (IaNa ia : m.iaNas()) {
      b.add(IaNa.of(ia.iaid(), 0, 0, IaAddress.of(derived(), 0, 0)));
    }
    return b.build();
  }

  @Test
  void requestForAnAddressOutsideOurPrefixIsNotOnLink() throws Exception {
    ClientServerMessage r = (ClientServerMessage) answer(toUs(fixture(PXE6, "07-client-dhcp6-request.hex"))).reply();
    assertThat(r.iaNas().getFirst().status().map(StatusCode::status)).contains(StatusCode.NOT_ON_LINK);
    assertThat(r.iaNas().getFirst().addresses()).isEmpty();
  }

  @Test
  void ovmfRequestWithANewIaidGetsTheSameAddress() throws Exception {
    Dhcp6Responder.Answer first = answer(afterOurAdvertise(fixture(PXE6, "03-client-dhcp6-request.hex")));
    Dhcp6Responder.Answer second = answer(afterOurAdvertise(fixture(PXE6, "07-client-dhcp6-request.hex")));
    long iaid1 = ((ClientServerMessage) fixture(PXE6, "03-client-dhcp6-request.hex")).iaNas().getFirst().iaid();
    long iaid2 = ((ClientServerMessage) fixture(PXE6, "07-client-dhcp6-request.hex")).iaNas().getFirst().iaid();
    assertThat(iaid1).isNotEqualTo(iaid2);
    for (Dhcp6Responder.Answer a : List.of(first, second)) {
      ClientServerMessage r = (ClientServerMessage) a.reply();
      assertThat(r.type()).contains(MessageType.REPLY);
      assertThat(r.iaNas().getFirst().addresses()).extracting(IaAddress::address).containsExactly(derived());
    }
    // the first exchange asks only for DNS (ORO 23): address and DNS, no boot file, and it is not netbooting
    ClientServerMessage r1 = (ClientServerMessage) first.reply();
    assertThat(r1.option(BootFileUrl.class)).isEmpty();
    assertThat(r1.option(Dhcp6Option.DnsServers.class)).isPresent();
    assertThat(first.plan().orElseThrow().event()).isEqualTo("os_init");
  }

  @Test
  void ipxeSolicitIsPointedAtTheHttpUrlWithMacFromItsLinkLocal() throws Exception {
    Dhcp6Responder.Answer a = answer(fixture(PXE6, "13-client-dhcp6-solicit.hex"));
    assertThat(a.macSource()).isEqualTo("source_address_eui64"); // iPXE's DUID-UUID carries no MAC
    assertThat(a.mac()).contains(MAC);
    assertThat(((ClientServerMessage) a.reply()).option(BootFileUrl.class).map(BootFileUrl::url))
        .contains("http://[2001:db8:1::1]/mac/52:54:00:12:34:56/boot.ipxe");
    assertThat(a.plan().orElseThrow().event()).isEqualTo("point_ipxe_to_http_boot");
  }

  @Test
  void httpBootFirmwareGetsVendorClassHttpClientAndTheUrl() throws Exception {
    ClientServerMessage adv = (ClientServerMessage) answer(fixture(HTTP6, "13-client-dhcp6-solicit.hex")).reply();
    assertThat(adv.option(VendorClass.class)).contains(VendorClass.of(343, "HTTPClient"));
    assertThat(adv.option(BootFileUrl.class).map(BootFileUrl::url)).contains("http://[2001:db8:1::1]/mac/52:54:00:12:34:56/boot.ipxe");
    assertThat(adv.clientArchTypes()).containsExactly(16);
  }

  @Test
  void relayedSolicitIsAnsweredThroughEveryHopWithMacFromOption79() throws Exception {
    ClientServerMessage solicit = (ClientServerMessage) fixture(PXE6, "05-client-dhcp6-solicit.hex");
    MacAddress other = MacAddress.parse("02:00:00:aa:bb:cc").orElseThrow();
    RelayMessage inner = RelayMessage.forward(0, v6("2001:db8:2::1"), v6("fe80::1"),
        new InterfaceId(Bytes.ascii("eth7")), ClientLinkLayerAddress.ethernet(other), new Dhcp6Option.RelayMessageOption(solicit));
    RelayMessage outer = RelayMessage.forward(1, v6("2001:db8:3::1"), v6("2001:db8:2::1"),
        new InterfaceId(Bytes.ascii("uplink")), new Dhcp6Option.RelayMessageOption(inner));
    Inet6Address relay = v6("2001:db8:3::1");
    Dhcp6Responder.Outcome o = responder.respond(outer, new Dhcp6Responder.Arrival("br0", 1, relay, Optional.of(serverAddr)));
    Dhcp6Responder.Answer a = (Dhcp6Responder.Answer) o;
    assertThat(a.to().getAddress()).isEqualTo(relay);
    assertThat(a.to().getPort()).isEqualTo(547);
    assertThat(a.macSource()).isEqualTo("relay_client_link_layer_option");
    RelayMessage repl = (RelayMessage) a.reply();
    assertThat(repl.type()).contains(MessageType.RELAY_REPL);
    assertThat(repl.hops()).hasSize(2);
    assertThat(repl.hops()).extracting(h -> h.interfaceId().map(i -> i.id().utf8()).orElse(null)).containsExactly("uplink", "eth7");
    assertThat(repl.hops()).extracting(RelayMessage::peerAddress).containsExactly(v6("2001:db8:2::1"), v6("fe80::1"));
    ClientServerMessage adv = (ClientServerMessage) repl.innermost();
    assertThat(adv.iaNas().getFirst().addresses()).extracting(IaAddress::address)
        .containsExactly(v6("2001:db8:1:0:abcd:200:aa:bbcc"));
  }

  @Test
  void renewForAnotherAddressGetsNoBindingAndConfirmChecksTheAddress() throws Exception {
    ClientServerMessage req = (ClientServerMessage) afterOurAdvertise(fixture(PXE6, "07-client-dhcp6-request.hex"));
    IaNa ia = req.iaNas().getFirst();
    ClientServerMessage renewOther = new ClientServerMessage(MessageType.RENEW.code(), req.transactionId(),
        req.toBuilder().remove(Dhcp6Option.IA_NA).add(IaNa.of(ia.iaid(), 0, 0, IaAddress.of(v6("2001:db8:1::123"), 0, 0))).build().options());
    ClientServerMessage r = (ClientServerMessage) answer(renewOther).reply();
    assertThat(r.iaNas().getFirst().status().map(StatusCode::status)).contains(StatusCode.NO_BINDING);

    ClientServerMessage renewOurs = new ClientServerMessage(MessageType.RENEW.code(), req.transactionId(),
        req.toBuilder().remove(Dhcp6Option.IA_NA).add(IaNa.of(ia.iaid(), 0, 0, IaAddress.of(derived(), 0, 0))).build().options());
    assertThat(((ClientServerMessage) answer(renewOurs).reply()).iaNas().getFirst().addresses())
        .extracting(IaAddress::address, IaAddress::validLifetime).containsExactly(org.assertj.core.groups.Tuple.tuple(derived(), 7200L));

    ClientServerMessage confirmOther = new ClientServerMessage(MessageType.CONFIRM.code(), 7,
        List.of(req.option(Dhcp6Option.ClientId.class).orElseThrow(), IaNa.of(1, 0, 0, IaAddress.of(v6("2001:db8:9::5"), 0, 0))));
    assertThat(((ClientServerMessage) answer(confirmOther).reply()).option(StatusCode.class).map(StatusCode::status)).contains(StatusCode.NOT_ON_LINK);
    ClientServerMessage confirmOurs = new ClientServerMessage(MessageType.CONFIRM.code(), 7,
        List.of(req.option(Dhcp6Option.ClientId.class).orElseThrow(), IaNa.of(1, 0, 0, IaAddress.of(derived(), 0, 0))));
    assertThat(((ClientServerMessage) answer(confirmOurs).reply()).option(StatusCode.class).map(StatusCode::status)).contains(StatusCode.SUCCESS);
  }

  @Test
  void releaseDeclineAndInformationRequestAreAnswered() throws Exception {
    ClientServerMessage release = (ClientServerMessage) toUs(fixture(PXE6, "09-client-dhcp6-release.hex"));
    assertThat(((ClientServerMessage) answer(release).reply()).option(StatusCode.class).map(StatusCode::status)).contains(StatusCode.SUCCESS);
    ClientServerMessage decline = new ClientServerMessage(MessageType.DECLINE.code(), 9, release.options());
    assertThat(((ClientServerMessage) answer(decline).reply()).type()).contains(MessageType.REPLY);
    ClientServerMessage info = new ClientServerMessage(MessageType.INFORMATION_REQUEST.code(), 11,
        List.of(Dhcp6Option.OptionRequest.of(23)));
    ClientServerMessage r = (ClientServerMessage) answer(info).reply();
    assertThat(r.option(Dhcp6Option.DnsServers.class).map(Dhcp6Option.DnsServers::servers)).contains(List.of(v6("2001:db8::53")));
    assertThat(r.iaNas()).isEmpty();
  }

  @Test
  void messagesForAnotherServerAreIgnoredAndANoMacClientIsToldSo() throws Exception {
    // the captured Request names the reference server (dnsmasq), not us
    Dhcp6Responder.Outcome o = responder.respond(fixture(PXE6, "07-client-dhcp6-request.hex"),
        new Dhcp6Responder.Arrival("br0", 1, clientLinkLocal, Optional.of(serverAddr)));
    assertThat(o).isInstanceOf(Dhcp6Responder.Silent.class);
    assertThat(((Dhcp6Responder.Silent) o).reason()).isEqualTo("other_server");
    // iPXE's Solicit (DUID-UUID) from a stable-privacy link-local: no MAC anywhere
    Dhcp6Responder.Outcome none = responder.respond(fixture(PXE6, "13-client-dhcp6-solicit.hex"),
        new Dhcp6Responder.Arrival("br0", 1, v6("fe80::1234:5678:9abc:def0%1"), Optional.of(serverAddr)));
    ClientServerMessage adv = (ClientServerMessage) ((Dhcp6Responder.Answer) none).reply();
    assertThat(adv.option(StatusCode.class).map(StatusCode::status)).contains(StatusCode.NO_ADDRS_AVAIL);
    assertThat(adv.iaNas()).isEmpty();
  }

  @Test
  void rapidCommitSolicitGetsAReply() throws Exception {
    ClientServerMessage s = (ClientServerMessage) fixture(PXE6, "05-client-dhcp6-solicit.hex");
    ClientServerMessage rapid = s.toBuilder().add(new Dhcp6Option.RapidCommit()).build();
    ClientServerMessage r = (ClientServerMessage) answer(rapid).reply();
    assertThat(r.type()).contains(MessageType.REPLY);
    assertThat(r.has(Dhcp6Option.RAPID_COMMIT)).isTrue();
    assertThat(r.option(Preference.class)).isEmpty();
  }
}
