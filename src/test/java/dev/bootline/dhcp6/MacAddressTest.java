package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

  @Test
  void textIsHexPairsJoinedByColonsWhateverTheLastMacFormattedWas() {
    java.util.Random random = new java.util.Random(8);
    for (int i = 0; i < 10_000; i++) {
      long bits = i < 3 ? new long[] {0, 0xffff_ffff_ffffL, 0x0102_0304_0506L}[i] : random.nextLong() & 0xffff_ffff_ffffL;
      MacAddress mac = new MacAddress(bits);
      String expected = java.util.HexFormat.ofDelimiter(":").formatHex(mac.bytes());
      assertThat(mac.toString()).isEqualTo(expected);
      assertThat(mac.toString()).isEqualTo(expected); // the remembered text
      assertThat(new MacAddress(bits ^ 1).toString()).isNotEqualTo(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"52:54:00:ab:cd:ef", "52-54-00-AB-CD-EF", "5254.00ab.cdef", "525400abcdef", "525400ABCDEF",
          " 52:54:00:ab:cd:ef "})
  void parsesEveryAcceptedForm(String text) {
    MacAddress mac = MacAddress.parse(text).orElseThrow();
    assertThat(mac.toString()).isEqualTo("52:54:00:ab:cd:ef");
    assertThat(mac.toHex()).isEqualTo("525400abcdef");
    assertThat(mac.bytes()).containsExactly(0x52, 0x54, 0x00, 0xab, 0xcd, 0xef);
    assertThat(MacAddress.of(mac.bytes())).isEqualTo(mac);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "52:54:00:ab:cd", "52:54:00:ab:cd:eg", "52:54-00:ab:cd:ef", "5254:00ab:cdef", "525400abcdef0",
          "52.54.00.ab.cd.ef", "5254.00ab.cde", "+2:54:00:ab:cd:ef", "５2:54:00:ab:cd:ef", "52:54:00:ab:cd:ef:"})
  void rejectsAnythingElse(String text) {
    assertThat(MacAddress.parse(text)).isEmpty();
  }

  @Test
  void bitsAndRange() {
    assertThat(MacAddress.parse("01:00:5e:00:00:01").orElseThrow().isMulticast()).isTrue();
    assertThat(MacAddress.parse("52:54:00:12:34:56").orElseThrow().isLocallyAdministered()).isTrue();
    assertThat(MacAddress.parse("00:1b:21:12:34:56").orElseThrow().isLocallyAdministered()).isFalse();
    assertThat(MacAddress.parse("ff:ff:ff:ff:ff:ff").orElseThrow().bits()).isEqualTo(0xffff_ffff_ffffL);
    assertThatThrownBy(() -> new MacAddress(1L << 48)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MacAddress.of(new byte[5])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eui64Recovery() {
    assertThat(MacRecovery.fromEui64(v6("fe80::5054:ff:fe12:3456"))).contains(MacAddress.parse("52:54:00:12:34:56").orElseThrow());
    assertThat(MacRecovery.fromEui64(v6("2001:db8::21b:21ff:fe12:3456")))
        .contains(MacAddress.parse("00:1b:21:12:34:56").orElseThrow());
    // stable-privacy / DHCP addresses carry no MAC
    assertThat(MacRecovery.fromEui64(v6("fe80::1c2d:3e4f:5a6b:7c8d"))).isEmpty();
    assertThat(MacRecovery.fromEui64(v6("2001:db8:1::163"))).isEmpty();
  }

  @Test
  void duidAndOption79Recovery() {
    MacAddress mac = MacAddress.parse("52:54:00:12:34:56").orElseThrow();
    assertThat(MacRecovery.fromDuid(Duid.Llt.ethernet(0x31db9ea6L, mac))).contains(mac);
    assertThat(MacRecovery.fromDuid(Duid.Ll.ethernet(mac))).contains(mac);
    assertThat(MacRecovery.fromDuid(new Duid.Ll(6, Bytes.of(mac.bytes())))).isEmpty(); // IEEE 802 but not type 1
    assertThat(MacRecovery.fromDuid(new Duid.Ll(1, Bytes.fromHex("0102030405")))).isEmpty();
    assertThat(MacRecovery.fromDuid(new Duid.En(343, Bytes.of(mac.bytes())))).isEmpty();
    assertThat(MacRecovery.fromLinkLayerOption(Dhcp6Option.ClientLinkLayerAddress.ethernet(mac))).contains(mac);
    assertThat(MacRecovery.fromLinkLayerOption(
            new Dhcp6Option.ClientLinkLayerAddress(1, Bytes.fromHex("0102030405060708"))))
        .isEmpty();
  }

  @Test
  void sourceAddressIsTheLastResort() {
    ClientServerMessage uuidClient =
        ClientServerMessage.of(MessageType.SOLICIT, 1, new Dhcp6Option.ClientId(new Duid.Uuid(new java.util.UUID(1, 2))));
    assertThat(MacRecovery.recover(uuidClient, v6("fe80::5054:ff:fe12:3456")))
        .contains(new MacRecovery.Recovered(
            MacAddress.parse("52:54:00:12:34:56").orElseThrow(), MacRecovery.Source.SOURCE_ADDRESS_EUI64));
    assertThat(MacRecovery.recover(uuidClient, v6("fe80::1"))).isEmpty();
    assertThat(MacRecovery.recover(uuidClient, null)).isEmpty();
  }

  private static Inet6Address v6(String s) {
    return Dhcp6EdgeCaseTest.v6(s);
  }
}
