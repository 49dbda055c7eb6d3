package dev.bootline.dhcp4;

import static dev.bootline.dhcp4.Dhcp4FixtureTest.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.testing.Fixtures;
import dev.bootline.wire.Hex;
import java.util.List;
import org.junit.jupiter.api.Test;

class Dhcp4ReplyBuilderTest {
  private static final String BIOS = "bios-pxe-virtio-net-pci-tcg-ra1";

  @Test
  void rebuildsDnsmasqsProxyOfferByteForByte() throws Exception {
    // The BIOS ROM accepted dnsmasq's offer; the builder, given the same content, writes the same bytes.
    Dhcp4Message discover = Dhcp4Message.decode(Fixtures.bytes(BIOS, "01-client-dhcp4-discover.hex"));
    byte[] captured = Fixtures.bytes(BIOS, "02-server-dhcp4-offer.hex");
    PxeVendorOptions menu = Dhcp4Message.decode(captured).options().pxeVendorOptions().orElseThrow();

    Dhcp4Message offer =
        Dhcp4Message.replyTo(discover, Dhcp4MessageType.OFFER)
            .broadcast(true)
            .secs(discover.secs())
            .pxeVendorOptions(menu)
            .vendorClass("PXEClient")
            .serverIdentifier(ipv4("192.0.2.1"))
            .build();
    assertThat(Hex.encode(offer.encode())).isEqualTo(Hex.encode(captured));
  }

  @Test
  void copiesRequestFieldsAndPadsToTheBootpMinimum() throws Exception {
    Dhcp4Message discover = Dhcp4Message.decode(Fixtures.bytes(BIOS, "01-client-dhcp4-discover.hex"));
    Dhcp4Message offer =
        Dhcp4Message.replyTo(discover, Dhcp4MessageType.OFFER)
            .serverIdentifier(ipv4("192.0.2.1"))
            .vendorClass("PXEClient")
            .siaddr(ipv4("192.0.2.1"))
            .file("undionly.kpxe")
            .build();
    byte[] wire = offer.encode();
    assertThat(wire).hasSize(Dhcp4Message.BOOTP_MIN_LENGTH);
    Dhcp4Message back = Dhcp4Message.decode(wire);
    assertThat(back).isEqualTo(offer);
    assertThat(back.isReply()).isTrue();
    assertThat(back.xid()).isEqualTo(discover.xid());
    assertThat(back.chaddr()).isEqualTo(discover.chaddr());
    assertThat(back.flags()).isEqualTo(discover.flags());
    assertThat(back.giaddr()).isEqualTo(discover.giaddr());
    assertThat(back.yiaddr()).isEqualTo(ipv4("0.0.0.0"));
    assertThat(back.fileField()).contains("undionly.kpxe");
    assertThat(back.messageType()).contains(Dhcp4MessageType.OFFER);
    assertThat(back.options().codes()).containsExactly(53, 54, 60, 97); // 97 echoed from the request
    assertThat(back.options().clientMachineId()).isEqualTo(discover.options().clientMachineId());
  }

  @Test
  void echoesRelayAgentInformationLastAndKeepsAnOrder() throws Exception {
    byte[] relayed =
        Packets.withOptions(Packets.concat(new int[] {53, 1, 1, 82, 4, 1, 2, 0, 7}, Packets.option(60, "PXEClient"),
            new int[] {255}));
    relayed[24] = (byte) 192; // giaddr 192.0.2.254
    relayed[26] = 2;
    relayed[27] = (byte) 254;
    Dhcp4Message request = Dhcp4Message.decode(relayed);
    Dhcp4Message ack =
        Dhcp4Message.replyTo(request, Dhcp4MessageType.ACK)
            .option(66, "ignored".getBytes())
            .option(250, new byte[] {1})
            .bootfileName("boot.efi")
            .tftpServerName("192.0.2.1")
            .vendorClass("PXEClient")
            .serverIdentifier(ipv4("192.0.2.1"))
            .build();
    Dhcp4Message back = Dhcp4Message.decode(ack.encode());
    assertThat(back.giaddr()).isEqualTo(ipv4("192.0.2.254"));
    assertThat(back.options().codes()).containsExactly(53, 54, 60, 66, 67, 250, 82);
    assertThat(back.options().tftpServerName()).contains("192.0.2.1");
    assertThat(back.options().relayAgentInformation().orElseThrow().raw()).isEqualTo(Packets.bytes(1, 2, 0, 7));
  }

  @Test
  void longGenericOptionIsSplitPerRfc3396() throws Exception {
    Dhcp4Message discover = Dhcp4Message.decode(Fixtures.bytes(BIOS, "01-client-dhcp4-discover.hex"));
    byte[] big = new byte[600];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    Dhcp4Message reply = Dhcp4Message.replyTo(discover, Dhcp4MessageType.ACK).option(224, big).build();
    Dhcp4Message back = Dhcp4Message.decode(reply.encode());
    assertThat(back.options().instances(224)).extracting(o -> o.data().length).containsExactly(255, 255, 90);
    assertThat(back.options().get(224)).hasValue(big);
    assertThat(back.options().instances(53)).hasSize(1);
    assertThat(List.of(back.options().get(224).orElseThrow().length)).containsExactly(600);
  }
}
