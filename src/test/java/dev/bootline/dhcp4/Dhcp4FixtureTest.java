package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.testing.Fixtures;
import dev.bootline.wire.Hex;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Real captured packets are the judge: every one decodes and re-encodes byte for byte, and reads as tshark read it. */
class Dhcp4FixtureTest {
  private static final String BIOS = "bios-pxe-virtio-net-pci-tcg-ra1";
  private static final String UEFI_PXE = "uefi-pxe4-virtio-net-pci-builtin-tcg";
  private static final String UEFI_HTTP = "uefi-http4-virtio-net-pci-builtin-tcg";

  @TestFactory
  Stream<DynamicTest> everyCapturedPacketRoundTripsByteIdentically() {
    List<Path> files = Fixtures.hexFiles("-dhcp4-");
    assertThat(files).hasSizeGreaterThan(100);
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    Fixtures.label(f),
                    () -> {
                      byte[] wire = Fixtures.bytes(f);
                      Dhcp4Message m = Dhcp4Message.decode(wire);
                      assertThat(Hex.encode(m.encode())).isEqualTo(Hex.encode(wire));
                      assertThat(Dhcp4Message.decode(m.encode())).isEqualTo(m);
                      // The receive/send path (#8): decode from a dirty, larger, reused buffer; encode into one.
                      byte[] buffer = new byte[4096];
                      java.util.Arrays.fill(buffer, (byte) 0xa5);
                      System.arraycopy(wire, 0, buffer, 0, wire.length);
                      Dhcp4Message fromBuffer = Dhcp4Message.decode(buffer, wire.length);
                      java.util.Arrays.fill(buffer, (byte) 0x5a); // the message must not share the buffer
                      assertThat(fromBuffer).isEqualTo(m);
                      int n = fromBuffer.encodeInto(buffer);
                      assertThat(Hex.encode(java.util.Arrays.copyOf(buffer, n))).isEqualTo(Hex.encode(wire));
                      assertThat(m.messageType()).isPresent();
                      assertThat(m.ethernetMac().map(Object::toString)).contains("52:54:00:12:34:56");
                      if (m.options().contains(Dhcp4OptionCodes.VENDOR_SPECIFIC)) {
                        assertThat(m.options().pxeVendorOptions().orElseThrow().subOptions()).isNotEmpty();
                      }
                    }));
  }

  @Test
  void biosIpxeRomDiscover() throws Exception {
    Dhcp4Message m = Dhcp4Message.decode(Fixtures.bytes(BIOS, "01-client-dhcp4-discover.hex"));
    Dhcp4Options o = m.options();
    assertThat(m.isRequest()).isTrue();
    assertThat(m.xid()).isEqualTo(0xe5194868);
    assertThat(m.secs()).isEqualTo(4);
    assertThat(m.isBroadcast()).isFalse();
    assertThat(m.ethernetMac().map(Object::toString)).contains("52:54:00:12:34:56");
    assertThat(m.requireEthernetMac().toString()).isEqualTo("52:54:00:12:34:56");
    assertThat(m.messageType()).contains(Dhcp4MessageType.DISCOVER);
    assertThat(o.maxMessageSize()).hasValue(1472);
    assertThat(o.vendorClass().orElseThrow().text()).isEqualTo("PXEClient:Arch:00000:UNDI:002001");
    assertThat(o.isPxeClient()).isTrue();
    assertThat(o.isHttpClient()).isFalse();
    assertThat(o.vendorClass().orElseThrow().arch()).hasValue(0);
    assertThat(o.vendorClass().orElseThrow().undiMajor()).hasValue(2);
    assertThat(o.vendorClass().orElseThrow().undiMinor()).hasValue(1);
    assertThat(o.clientArchitectures()).containsExactly(0);
    assertThat(o.clientNdi()).contains(new ClientNdi(1, 2, 1));
    assertThat(o.userClass().orElseThrow().raw()).asString().isEqualTo("iPXE");
    assertThat(o.userClass().orElseThrow().rfc3004Classes()).isEmpty(); // iPXE's raw form, not RFC 3004
    assertThat(o.isIpxe()).isTrue();
    assertThat(o.parameterRequestList())
        .startsWith(1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119)
        .endsWith(175, 203)
        .hasSize(23);
    EncapsulatedOptions ipxe = o.ipxeEncapsulated().orElseThrow();
    assertThat(ipxe.complete()).isTrue();
    assertThat(ipxe.raw()).hasSize(48);
    // iPXE feature sub-options: 177 bus id (PCI 1af4:1000 = virtio-net), 235 version 1.0.0, 23 HTTP, ...
    assertThat(ipxe.get(177)).hasValueSatisfying(v -> assertThat(Hex.encode(v)).isEqualTo("011af41000"));
    assertThat(ipxe.get(235)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 0, 0));
    assertThat(ipxe.subOptions()).extracting(SubOption::code).contains(23, 19, 17, 16);
    assertThat(o.clientIdentifier()).hasValueSatisfying(v -> assertThat(Hex.encode(v)).isEqualTo("01525400123456"));
    ClientMachineId guid = o.clientMachineId().orElseThrow();
    assertThat(guid.type()).isZero();
    assertThat(guid.uuid()).isEqualTo(new UUID(0, 0));
    assertThat(o.codes()).containsExactly(53, 57, 93, 94, 60, 77, 55, 175, 61, 97);
    assertThat(o.vendorSpecific()).isEmpty();
    assertThat(o.relayAgentInformation()).isEmpty();
    assertThat(m.fileField()).isEmpty();
  }

  @Test
  void dnsmasqProxyOfferCarriesMenuPromptAndDiscoveryControl() throws Exception {
    for (String file :
        List.of(
            "02-server-dhcp4-offer.hex",
            "04-server-dhcp4-offer.hex",
            "12-server-dhcp4-offer.hex",
            "20-server-dhcp4-offer.hex",
            "27-server-dhcp4-offer.hex")) {
      Dhcp4Message m = Dhcp4Message.decode(Fixtures.bytes(BIOS, file));
      assertThat(m.isReply()).as(file).isTrue();
      assertThat(m.messageType()).as(file).contains(Dhcp4MessageType.OFFER);
      assertThat(m.yiaddr()).as(file).isEqualTo(InetAddress.getByName("0.0.0.0"));
      assertThat(m.options().serverIdentifier()).as(file).contains(ipv4("192.0.2.1"));
      assertThat(m.options().vendorClass().orElseThrow().text()).as(file).isEqualTo("PXEClient");
      PxeVendorOptions pxe = m.options().pxeVendorOptions().orElseThrow();

      PxeSubOption.DiscoveryControl dc = pxe.discoveryControl().orElseThrow();
      assertThat(dc.bits()).isEqualTo(3);
      assertThat(dc.disableBroadcast()).isTrue();
      assertThat(dc.disableMulticast()).isTrue();
      assertThat(dc.onlyBootServerList()).isFalse();
      assertThat(dc.useBootfileDirectly()).isFalse();

      assertThat(pxe.bootServers().orElseThrow().servers())
          .containsExactly(
              new PxeSubOption.BootServer(0x8000, List.of(ipv4("192.0.2.1"))),
              new PxeSubOption.BootServer(0x8001, List.of(ipv4("192.0.2.1"))));
      assertThat(pxe.bootMenu().orElseThrow().items())
          .containsExactly(
              new PxeSubOption.MenuItem(0x8000, "Lab BIOS: iPXE undionly.kpxe"),
              new PxeSubOption.MenuItem(0x8001, "Lab BIOS: iPXE ipxe.pxe"),
              new PxeSubOption.MenuItem(0, "Lab BIOS: boot local disk"));
      assertThat(pxe.menuPrompt())
          .contains(new PxeSubOption.MenuPrompt(5, "netboot-lab PXE menu, first entry in 5s"));
      assertThat(pxe.subOptions()).extracting(PxeSubOption::code).containsExactly(6, 8, 9, 10);
      // our encoder writes dnsmasq's option 43 back exactly
      assertThat(pxe.encode()).isEqualTo(m.options().vendorSpecific().orElseThrow());
      assertThat(pxe.encodedLength()).isEqualTo(149);
    }
  }

  @Test
  void bootServerRequestCarriesMenuChoice() throws Exception {
    Dhcp4Message m = Dhcp4Message.decode(Fixtures.bytes(BIOS, "09-client-dhcp4-request-4011.hex"));
    assertThat(m.messageType()).contains(Dhcp4MessageType.REQUEST);
    assertThat(m.ciaddr()).isEqualTo(ipv4("192.0.2.158"));
    assertThat(m.isBroadcast()).isTrue();
    PxeVendorOptions pxe = m.options().pxeVendorOptions().orElseThrow();
    assertThat(pxe.subOptions()).containsExactly(new PxeSubOption.BootItem(0x8000, 0));

    Dhcp4Message ack = Dhcp4Message.decode(Fixtures.bytes(BIOS, "10-server-dhcp4-ack-4011.hex"));
    assertThat(ack.messageType()).contains(Dhcp4MessageType.ACK);
    assertThat(ack.siaddr()).isEqualTo(ipv4("192.0.2.1"));
    assertThat(ack.fileField()).contains("undionly.kpxe");
    assertThat(ack.options().pxeVendorOptions().orElseThrow().bootItem())
        .contains(new PxeSubOption.BootItem(0x8000, 0));
  }

  @Test
  void uefiPxeDiscoverHasArch7AndGuid() throws Exception {
    Dhcp4Message m = Dhcp4Message.decode(Fixtures.bytes(UEFI_PXE, "01-client-dhcp4-discover.hex"));
    Dhcp4Options o = m.options();
    assertThat(o.vendorClass().orElseThrow().text()).isEqualTo("PXEClient:Arch:00007:UNDI:003000");
    assertThat(o.vendorClass().orElseThrow().arch()).hasValue(7);
    assertThat(o.clientArchitectures()).containsExactly(7);
    assertThat(o.clientNdi()).contains(new ClientNdi(1, 3, 0));
    assertThat(o.clientMachineId()).contains(new ClientMachineId(0, new byte[16]));
    assertThat(o.isIpxe()).isFalse();
    assertThat(o.userClass()).isEmpty();
    assertThat(o.ipxeEncapsulated()).isEmpty();
    assertThat(o.codes()).containsExactly(53, 57, 55, 97, 94, 93, 60);
  }

  @Test
  void uefiPxeBootServerMenuAndChoice() throws Exception {
    Dhcp4Message ack = Dhcp4Message.decode(Fixtures.bytes(UEFI_PXE, "07-server-dhcp4-ack-4011.hex"));
    PxeVendorOptions menu = ack.options().pxeVendorOptions().orElseThrow();
    assertThat(menu.bootMenu().orElseThrow().items())
        .extracting(PxeSubOption.MenuItem::description)
        .containsExactly("Lab UEFI(9): iPXE ipxe.efi", "Lab UEFI(9): iPXE snponly.efi");
    Dhcp4Message choice = Dhcp4Message.decode(Fixtures.bytes(UEFI_PXE, "08-client-dhcp4-request-4011.hex"));
    assertThat(choice.options().codes()).first().isEqualTo(43); // EDK2 puts 43 first
    assertThat(choice.options().pxeVendorOptions().orElseThrow().bootItem())
        .contains(new PxeSubOption.BootItem(0x8003, 0));
  }

  @Test
  void uefiHttpDiscoverIsHttpClientArch16() throws Exception {
    Dhcp4Message m = Dhcp4Message.decode(Fixtures.bytes(UEFI_HTTP, "01-client-dhcp4-discover.hex"));
    Dhcp4Options o = m.options();
    assertThat(o.vendorClass().orElseThrow().text()).startsWith("HTTPClient:Arch:00016");
    assertThat(o.isHttpClient()).isTrue();
    assertThat(o.isPxeClient()).isFalse();
    assertThat(o.vendorClass().orElseThrow().arch()).hasValue(16);
    assertThat(o.clientArchitectures()).containsExactly(16);
    Dhcp4Message offer = Dhcp4Message.decode(Fixtures.bytes(UEFI_HTTP, "02-server-dhcp4-offer.hex"));
    assertThat(offer.options().vendorClass().orElseThrow().text()).isEqualTo("HTTPClient");
    assertThat(offer.options().bootfileName()).hasValueSatisfying(u -> assertThat(u).startsWith("http://"));
  }

  @Test
  void scriptOfferHasBootfileDirectlyAndUrlInFileField() throws Exception {
    Dhcp4Message m =
        Dhcp4Message.decode(Fixtures.bytes("bios-pxe-virtio-net-pci-tcg-script-ra1", "02-server-dhcp4-offer.hex"));
    assertThat(m.fileField()).contains("http://192.0.2.1/boot.ipxe");
    PxeVendorOptions pxe = m.options().pxeVendorOptions().orElseThrow();
    assertThat(pxe.discoveryControl().orElseThrow().useBootfileDirectly()).isTrue();
    assertThat(pxe.menuPrompt()).contains(new PxeSubOption.MenuPrompt(0, "PXE"));
    // dnsmasq padded this reply to the 300-byte BOOTP minimum with zeros after End; kept as a trailer
    assertThat(m.encode()).hasSize(300);
    assertThat(m.options().items().getLast()).isEqualTo(Dhcp4OptionItem.Trailer.zeros(Dhcp4OptionArea.OPTIONS, 8));
  }

  static java.net.Inet4Address ipv4(String dotted) throws Exception {
    return (java.net.Inet4Address) InetAddress.getByName(dotted);
  }
}
