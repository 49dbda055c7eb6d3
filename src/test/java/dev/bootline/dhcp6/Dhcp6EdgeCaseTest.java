package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.dhcp6.Dhcp6Option.ClientFqdn;
import dev.bootline.dhcp6.Dhcp6Option.ClientLinkLayerAddress;
import dev.bootline.dhcp6.Dhcp6Option.DnsServers;
import dev.bootline.dhcp6.Dhcp6Option.DomainList;
import dev.bootline.dhcp6.Dhcp6Option.InterfaceId;
import dev.bootline.dhcp6.Dhcp6Option.RapidCommit;
import dev.bootline.dhcp6.Dhcp6Option.RelayMessageOption;
import dev.bootline.dhcp6.Dhcp6Option.Unknown;
import dev.bootline.dhcp6.Dhcp6Option.UserClass;
import dev.bootline.testing.Fixtures;
import dev.bootline.wire.Hex;
import dev.bootline.wire.MalformedPacketException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-built packets: relays, malformed lengths, zero-length and unknown options, domain names. */
class Dhcp6EdgeCaseTest {
  private static final Inet6Address LINK = v6("2001:db8:1::1");
  private static final Inet6Address PEER = v6("fe80::5054:ff:fe12:3456");

  static Inet6Address v6(String s) {
    try {
      return (Inet6Address) InetAddress.getByName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static byte[] hex(String h) {
    return Hex.decode(h);
  }

  private static String reason(byte[] wire) {
    try {
      Dhcp6Codec.decode(wire);
      throw new AssertionError("decoded without error: " + Hex.encode(wire));
    } catch (MalformedPacketException e) {
      return e.reason();
    }
  }

  private static Dhcp6Message roundTrip(byte[] wire) throws MalformedPacketException {
    Dhcp6Message m = Dhcp6Codec.decode(wire);
    assertThat(Hex.encode(m.encode())).isEqualTo(Hex.encode(wire));
    assertThat(Dhcp6Codec.decode(m.encode())).isEqualTo(m);
    return m;
  }

  private static ClientServerMessage solicit() throws MalformedPacketException {
    return (ClientServerMessage)
        Dhcp6Codec.decode(
            Fixtures.bytes("uefi-pxe6-virtio-net-pci-builtin-tcg", "13-client-dhcp6-solicit.hex"));
  }

  private static Dhcp6Message nest(Dhcp6Message inner, int hops) {
    Dhcp6Message m = inner;
    for (int i = 0; i < hops; i++) {
      m = RelayMessage.forward(Math.min(i, 255), LINK, PEER, new RelayMessageOption(m));
    }
    return m;
  }

  @Test
  void twoHopRelayRoundTripsAndExposesTheChain() throws Exception {
    ClientServerMessage client = solicit();
    RelayMessage first =
        RelayMessage.forward(
            0,
            LINK,
            PEER,
            new InterfaceId(Bytes.ascii("eth0")),
            ClientLinkLayerAddress.ethernet(MacAddress.parse("52:54:00:aa:bb:cc").orElseThrow()),
            new RelayMessageOption(client));
    RelayMessage second =
        RelayMessage.forward(
            1, v6("2001:db8:2::1"), v6("2001:db8:1::2"), new InterfaceId(Bytes.fromHex("00000007")),
            new RelayMessageOption(first));
    byte[] wire = second.encode();
    assertThat(wire[0]).isEqualTo((byte) 12);
    RelayMessage decoded = (RelayMessage) roundTrip(wire);
    assertThat(decoded).isEqualTo(second);
    assertThat(decoded.hops()).hasSize(2);
    assertThat(decoded.hops().get(1).hopCount()).isZero();
    assertThat(decoded.innermost()).isEqualTo(client);
    assertThat(decoded.innermost().userClasses()).containsExactly("iPXE");

    // MAC: option 79 beats the EUI-64 peer address and the DUID
    assertThat(MacRecovery.recover(decoded, v6("2001:db8:2::1")))
        .contains(new MacRecovery.Recovered(
            MacAddress.parse("52:54:00:aa:bb:cc").orElseThrow(), MacRecovery.Source.RELAY_CLIENT_LINK_LAYER_OPTION));

    // Relay-Repl mirrors every hop and echoes the Interface-Ids
    ClientServerMessage reply = ClientServerMessage.answer(client, MessageType.REPLY).build();
    RelayMessage repl = decoded.reply(reply);
    assertThat(repl.is(MessageType.RELAY_REPL)).isTrue();
    assertThat(repl.hops()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      RelayMessage fwd = decoded.hops().get(i);
      RelayMessage rep = repl.hops().get(i);
      assertThat(rep.msgType()).isEqualTo(13);
      assertThat(rep.hopCount()).isEqualTo(fwd.hopCount());
      assertThat(rep.linkAddress()).isEqualTo(fwd.linkAddress());
      assertThat(rep.peerAddress()).isEqualTo(fwd.peerAddress());
      assertThat(rep.interfaceId()).isEqualTo(fwd.interfaceId());
      assertThat(rep.option(ClientLinkLayerAddress.class)).isEmpty();
    }
    assertThat(repl.innermost()).isEqualTo(reply);
    assertThat(roundTrip(repl.encode())).isEqualTo(repl);
  }

  @Test
  void peerAddressEui64IsUsedWithoutOption79() throws Exception {
    Dhcp6Message relayed = nest(solicit(), 1);
    assertThat(MacRecovery.recover(relayed, null))
        .contains(new MacRecovery.Recovered(
            MacAddress.parse("52:54:00:12:34:56").orElseThrow(), MacRecovery.Source.RELAY_PEER_ADDRESS_EUI64));
  }

  @Test
  void thirtyTwoNestedRelaysDecodeAndThirtyThreeAreRejected() throws Exception {
    ClientServerMessage client = solicit();
    RelayMessage deepest = (RelayMessage) roundTrip(nest(client, 32).encode());
    assertThat(deepest.hops()).hasSize(32);
    assertThat(deepest.innermost()).isEqualTo(client);
    assertThat(reason(nest(client, 33).encode())).isEqualTo("relay_too_deep");
    assertThat(reason(nest(client, 1000).encode())).isEqualTo("relay_too_deep");
  }

  @Test
  void relayMessageOptionOutsideARelayIsKeptRaw() throws Exception {
    byte[] wire = hex("01000001" + "00090004" + "01000002");
    Dhcp6Message m = roundTrip(wire);
    assertThat(m.options()).containsExactly(new Unknown(9, Bytes.fromHex("01000002")));
  }

  @Test
  void relayWithoutRelayMessageOptionDecodes() throws Exception {
    RelayMessage r = RelayMessage.forward(0, LINK, PEER);
    RelayMessage d = (RelayMessage) roundTrip(r.encode());
    assertThat(d.relayed()).isEmpty();
    assertThat(d.innermost()).isEqualTo(d);
  }

  @Test
  void headersAndOptionsThatRunOutAreRejected() {
    assertThat(reason(new byte[0])).isEqualTo("truncated_header");
    assertThat(reason(hex("0100"))).isEqualTo("truncated_header");
    assertThat(reason(hex("0c00" + "20010db8000000000000000000000001"))).isEqualTo("truncated_header");
    // 1..3 bytes where an option header should be
    assertThat(reason(hex("01000001" + "00"))).isEqualTo("truncated_option");
    assertThat(reason(hex("01000001" + "000100"))).isEqualTo("truncated_option");
    // length past the end of the message
    assertThat(reason(hex("01000001" + "00080002" + "00"))).isEqualTo("option_overrun");
    assertThat(reason(hex("01000001" + "0001ffff"))).isEqualTo("option_overrun");
    // a sub-option running past its IA_NA
    assertThat(reason(hex("01000001" + "00030010" + "000000010000000000000000" + "000d0008")))
        .isEqualTo("option_overrun");
    // the relayed message is truncated
    assertThat(reason(hex("0c00" + "00".repeat(32) + "00090002" + "0100"))).isEqualTo("truncated_header");
  }

  @Test
  void knownOptionsWithWrongLengthsAreRejected() {
    assertThat(reason(hex("01000001" + "00070002" + "0000"))).isEqualTo("bad_option_length"); // preference
    assertThat(reason(hex("01000001" + "00080001" + "00"))).isEqualTo("bad_option_length"); // elapsed
    assertThat(reason(hex("01000001" + "00060003" + "001700"))).isEqualTo("bad_option_length"); // ORO odd
    assertThat(reason(hex("01000001" + "000e0001" + "00"))).isEqualTo("bad_option_length"); // rapid commit
    assertThat(reason(hex("01000001" + "0003000b" + "0000000000000000000000"))).isEqualTo("bad_option_length");
    assertThat(reason(hex("01000001" + "000f0003" + "000569"))).isEqualTo("bad_option_length"); // user class
    assertThat(reason(hex("01000001" + "0010000a" + "00000157" + "0005" + "48545450"))).isEqualTo(
        "bad_option_length");
    assertThat(reason(hex("01000001" + "0017000f" + "00".repeat(15)))).isEqualTo("bad_option_length");
    assertThat(reason(hex("01000001" + "003e0002" + "0103"))).isEqualTo("bad_option_length"); // NII
    assertThat(reason(hex("01000001" + "003d0003" + "000700"))).isEqualTo("bad_option_length"); // arch
    assertThat(reason(hex("01000001" + "004f0001" + "00"))).isEqualTo("bad_option_length"); // link-layer
  }

  @Test
  void malformedDuidsAreRejected() {
    assertThat(reason(hex("01000001" + "00010000"))).isEqualTo("bad_duid");
    assertThat(reason(hex("01000001" + "00010001" + "00"))).isEqualTo("bad_duid");
    assertThat(reason(hex("01000001" + "00010004" + "00010001"))).isEqualTo("bad_duid"); // LLT too short
    assertThat(reason(hex("01000001" + "00020004" + "00040001"))).isEqualTo("bad_duid"); // UUID too short
    assertThat(reason(hex("01000001" + "00010005" + "0002000001"))).isEqualTo("bad_duid"); // EN too short
  }

  @Test
  void unknownDuidTypesAndDuidEnRoundTrip() throws Exception {
    Dhcp6Message m = roundTrip(hex("01000001" + "00010005" + "0009abcdef" + "0002000a" + "000200000157deadbeef"));
    assertThat(m.clientId()).contains(new Duid.Unknown(9, Bytes.fromHex("abcdef")));
    assertThat(m.serverId()).contains(new Duid.En(343, Bytes.fromHex("deadbeef")));
  }

  @Test
  void zeroLengthOptionsRoundTripWhereTheFormatAllowsThem() throws Exception {
    byte[] wire =
        hex("0b123456" + "000e0000" + "000f0000" + "00120000" + "00170000" + "00180000" + "003b0000" + "003c0000"
            + "003d0000" + "00060000" + "12340000" + "00000000");
    Dhcp6Message m = roundTrip(wire);
    assertThat(m.is(MessageType.INFORMATION_REQUEST)).isTrue();
    assertThat(m.option(RapidCommit.class)).isPresent();
    assertThat(m.option(UserClass.class)).contains(new UserClass(List.of()));
    assertThat(m.option(InterfaceId.class)).contains(new InterfaceId(Bytes.EMPTY));
    assertThat(m.option(DnsServers.class)).contains(new DnsServers(List.of()));
    assertThat(m.option(DomainList.class)).contains(new DomainList(List.of()));
    assertThat(m.userClasses()).isEmpty();
    assertThat(m.clientArchTypes()).isEmpty();
    assertThat(m.oro().codes()).isEmpty();
    assertThat(m.options().get(9)).isEqualTo(new Unknown(0x1234, Bytes.EMPTY));
    assertThat(m.options().get(10)).isEqualTo(new Unknown(0, Bytes.EMPTY));
    // a zero-length user class item is kept too
    assertThat(roundTrip(hex("01000001" + "000f0004" + "00000000")).userClasses()).containsExactly("", "");
  }

  @Test
  void unknownOptionsAndMessageTypesRoundTripInOrder() throws Exception {
    byte[] wire = hex("ff000000" + "fde80003" + "616263" + "00080002" + "0064" + "0063" + "0001" + "ff");
    Dhcp6Message m = roundTrip(wire);
    assertThat(m.type()).isEmpty();
    assertThat(m.options())
        .containsExactly(
            new Unknown(0xfde8, Bytes.ascii("abc")),
            new Dhcp6Option.ElapsedTime(100),
            new Unknown(0x63, Bytes.of((byte) 0xff)));
    assertThat(m.findFirst(0xfde8)).contains(new Unknown(0xfde8, Bytes.ascii("abc")));
  }

  @Test
  void domainListEncodesUncompressedWireNames() throws Exception {
    DomainList dl = DomainList.of("lab.example", "example.");
    ClientServerMessage m = ClientServerMessage.of(MessageType.REPLY, 1, dl);
    assertThat(Hex.encode(m.encode()))
        .isEqualTo("07000001" + "00180016" + "036c6162076578616d706c6500" + "076578616d706c6500");
    assertThat(roundTrip(m.encode())).isEqualTo(m);
    assertThat(dl.domains().get(0).toString()).isEqualTo("lab.example");
    assertThat(dl.domains().get(0).labels()).containsExactly("lab", "example");
  }

  @Test
  void malformedDomainNamesAreRejected() {
    // missing root label at the end of the option
    assertThat(reason(hex("07000001" + "00180004" + "036c6162"))).isEqualTo("bad_domain_name");
    // compression pointer
    assertThat(reason(hex("07000001" + "00180002" + "c00c"))).isEqualTo("bad_domain_name");
    // label longer than the option
    assertThat(reason(hex("07000001" + "00180003" + "056162"))).isEqualTo("bad_domain_name");
    // 300-byte name
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      name.append("3f").append("61".repeat(63));
    }
    name.append("00");
    String body = name.toString();
    assertThat(reason(hex("07000001" + "0018" + String.format("%04x", body.length() / 2) + body)))
        .isEqualTo("bad_domain_name");
  }

  @Test
  void clientFqdnKeepsPartialAndFullNames() throws Exception {
    Dhcp6Message m = roundTrip(hex("01000001" + "00270006" + "01" + "04686f7374" + "00270001" + "00"));
    List<ClientFqdn> fqdns = m.options(ClientFqdn.class);
    assertThat(fqdns.get(0).name()).isEqualTo(new DomainName(List.of("host"), false));
    assertThat(fqdns.get(0).flags()).isEqualTo(1);
    assertThat(fqdns.get(1).name()).isEqualTo(new DomainName(List.of(), false));
    assertThat(roundTrip(hex("01000001" + "00270007" + "00" + "04686f737400")).option(ClientFqdn.class).orElseThrow()
        .name().fullyQualified()).isTrue();
  }

  @Test
  void ipv4MappedAddressesStayIpv6() throws Exception {
    byte[] wire = hex("07000001" + "00170010" + "00000000000000000000ffffc0000201");
    Dhcp6Message m = roundTrip(wire);
    assertThat(m.option(DnsServers.class).orElseThrow().servers().getFirst()).isInstanceOf(Inet6Address.class);
  }

  @Test
  void invalidUtf8InTextFieldsRoundTrips() throws Exception {
    byte[] wire = hex("07000001" + "000d0004" + "0000c3ff" + "003b0002" + "80fe");
    roundTrip(wire);
  }

  @Test
  void decodeOfASliceOfABuffer() throws Exception {
    byte[] buf = hex("ffff" + "01000001" + "00080002" + "0000" + "ffff");
    Dhcp6Message m = Dhcp6Codec.decode(buf, 2, 10);
    assertThat(m.encode()).hasSize(10);
    assertThatThrownBy(() -> Dhcp6Codec.decode(buf, 10, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
