package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.dhcp6.Dhcp6Option.BootFileUrl;
import dev.bootline.dhcp6.Dhcp6Option.IaAddress;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.Preference;
import dev.bootline.dhcp6.Dhcp6Option.ServerId;
import dev.bootline.dhcp6.Dhcp6Option.StatusCode;
import dev.bootline.dhcp6.Dhcp6Option.VendorClass;
import dev.bootline.testing.Fixtures;
import dev.bootline.wire.Hex;
import org.junit.jupiter.api.Test;

/** Building answers the way the server will, checked against what Kea sent to the same client. */
class Dhcp6BuilderTest {
  private static final String HTTP6 = "uefi-http6kea-virtio-net-pci-builtin-tcg";

  @Test
  void rebuildsKeasHttpBootAdvertiseByteForByte() throws Exception {
    ClientServerMessage solicit =
        (ClientServerMessage) Dhcp6Codec.decode(Fixtures.bytes(HTTP6, "13-client-dhcp6-solicit.hex"));
    IaNa requested = solicit.iaNas().getFirst();

    ClientServerMessage advertise =
        ClientServerMessage.answer(solicit, MessageType.ADVERTISE)
            .add(new ServerId(Duid.Ll.ethernet(MacAddress.parse("82:d4:2b:c3:70:37").orElseThrow())))
            .add(IaNa.of(requested.iaid(), 300, 525,
                IaAddress.of(Dhcp6EdgeCaseTest.v6("2001:db8:1::102"), 600, 600)))
            .addIf(solicit.vendorClass().map(v -> v.anyStartsWith("HTTPClient")).orElse(false),
                VendorClass.of(Dhcp6Option.ENTERPRISE_INTEL, "HTTPClient"))
            .addIf(solicit.oro().contains(Dhcp6Option.BOOTFILE_URL),
                BootFileUrl.of("http://[2001:db8:1::1]/ipxe.efi"))
            .build();

    assertThat(Hex.encode(advertise.encode()))
        .isEqualTo(Hex.encode(Fixtures.bytes(HTTP6, "14-server-dhcp6-advertise.hex")));
  }

  @Test
  void builderKeepsOrderAndCanRemove() {
    ClientServerMessage m =
        ClientServerMessage.builder(MessageType.REPLY, 0xabcdef)
            .add(new Preference(255))
            .add(StatusCode.of(StatusCode.NO_ADDRS_AVAIL, "no addresses"))
            .add(new Preference(1))
            .remove(Dhcp6Option.PREFERENCE)
            .build();
    assertThat(m.options()).containsExactly(StatusCode.of(2, "no addresses"));
    assertThat(m.toBuilder().add(new Preference(7)).build().options()).hasSize(2);
    assertThat(Hex.encode(m.encode())).isEqualTo("07abcdef" + "000d000e" + "0002" + Hex.encode("no addresses".getBytes()));
  }

  @Test
  void recordsRejectValuesThatCannotBeEncoded() {
    assertThatThrownBy(() -> ClientServerMessage.of(MessageType.RELAY_FORW, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientServerMessage.of(MessageType.SOLICIT, 1 << 24))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Preference(256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IaNa.of(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DomainName.of("a..b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DomainName.of("x".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    byte[] big = new byte[70_000];
    ClientServerMessage huge = ClientServerMessage.of(MessageType.REPLY, 1, new BootFileUrl(Bytes.of(big)));
    assertThatThrownBy(huge::encode).isInstanceOf(IllegalArgumentException.class);
  }
}
