package dev.bootline.dhcp4;

import static dev.bootline.dhcp4.Packets.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.testing.Fixtures;
import dev.bootline.wire.MalformedPacketException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PxeVendorOptionsTest {

  private static PxeVendorOptions menu(String prompt, int items, String label) {
    List<PxeSubOption.MenuItem> list = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      list.add(new PxeSubOption.MenuItem(0x8000 + i, label + " " + i));
    }
    return PxeVendorOptions.of(
        PxeSubOption.DiscoveryControl.of(true, true, false, false),
        new PxeSubOption.BootMenu(list),
        new PxeSubOption.MenuPrompt(5, prompt));
  }

  @Test
  void encodesTheLayoutThePxeSpecGives() throws Exception {
    Inet4Address server = (Inet4Address) InetAddress.getByName("192.0.2.1");
    PxeVendorOptions pxe =
        PxeVendorOptions.of(
            PxeSubOption.DiscoveryControl.of(false, false, false, true),
            new PxeSubOption.BootServers(List.of(new PxeSubOption.BootServer(0x8000, List.of(server)))),
            new PxeSubOption.BootMenu(List.of(new PxeSubOption.MenuItem(0x8000, "iPXE"))),
            new PxeSubOption.MenuPrompt(0, "PXE"),
            new PxeSubOption.BootItem(0x8000, 0));
    assertThat(dev.bootline.wire.Hex.encode(pxe.encode()))
        .isEqualTo("060108" + "0807" + "800001c0000201" + "0907" + "800004" + "69505845" + "0a0400505845"
            + "470480000000" + "ff");
    assertThat(pxe.encodedLength()).isEqualTo(pxe.encode().length);
    assertThat(PxeVendorOptions.decode(pxe.encode())).isEqualTo(pxe);
  }

  @Test
  void menuOverOneOptionIsRefusedNamingTheOverflow() {
    PxeVendorOptions fits = menu("Press F8 for the boot menu", 5, "Network boot (iPXE) item");
    assertThat(fits.fits()).isTrue();
    assertThat(fits.overflowBytes()).isZero();
    assertThat(fits.sizeProblem()).isEmpty();

    // 3 (control) + 2 + 10 × (3 + 33) (menu) + 2 + 1 + 26 (prompt) + 1 (end) = 395 bytes: 140 over
    PxeVendorOptions tooBig = menu("Press F8 for the boot menu", 10, "Network boot (iPXE) with label");
    assertThat(tooBig.encodedLength()).isEqualTo(3 + 2 + 10 * (3 + 32) + 2 + 1 + 26 + 1);
    assertThat(tooBig.overflowBytes()).isEqualTo(tooBig.encodedLength() - 255);
    assertThat(tooBig.sizeProblem().orElseThrow())
        .contains("would be " + tooBig.encodedLength() + " bytes")
        .contains(tooBig.overflowBytes() + " bytes over the 255-byte limit")
        .contains("boot menu (9) 352");
    assertThatThrownBy(tooBig::encode)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(tooBig.overflowBytes() + " bytes over");
    assertThatThrownBy(tooBig::requireFits).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exactly255BytesFitsAnd256DoesNot() {
    // end (1) + prompt sub-option (2 + 1 + text): text of 251 → 255 total
    PxeVendorOptions exact = PxeVendorOptions.of(new PxeSubOption.MenuPrompt(5, "x".repeat(251)));
    assertThat(exact.encodedLength()).isEqualTo(255);
    assertThat(exact.encode()).hasSize(255);
    PxeVendorOptions oneOver =
        PxeVendorOptions.of(new PxeSubOption.MenuPrompt(5, "x".repeat(251)), new PxeSubOption.Raw(200, new byte[0]));
    assertThat(oneOver.overflowBytes()).isEqualTo(2);
    assertThatThrownBy(oneOver::encode).hasMessageContaining("would be 257 bytes, 2 bytes over");
  }

  @Test
  void replyBuilderRefusesAnOversizeMenuToo() throws Exception {
    Dhcp4Message discover =
        Dhcp4Message.decode(Fixtures.bytes("bios-pxe-virtio-net-pci-tcg-ra1", "01-client-dhcp4-discover.hex"));
    PxeVendorOptions tooBig = menu("Choose", 12, "A rather long menu label here");
    assertThatThrownBy(() -> Dhcp4Message.replyTo(discover, Dhcp4MessageType.OFFER).pxeVendorOptions(tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(tooBig.overflowBytes() + " bytes over");
  }

  @Test
  void decodesEveryKindAndKeepsUnknownAndMalformedRaw() throws Exception {
    byte[] data =
        bytes(6, 1, 0x0b, 1, 4, 0xe0, 0, 1, 1, 2, 2, 0x0f, 0xa1, 0, 200, 2, 'z', 'z', 6, 0, 71, 1, 1, 10, 1, 255,
            255, 99, 99);
    PxeVendorOptions pxe = PxeVendorOptions.decode(data);
    assertThat(pxe.subOptions())
        .containsExactly(
            new PxeSubOption.DiscoveryControl(0x0b),
            new PxeSubOption.Raw(1, bytes(0xe0, 0, 1, 1)), // multicast discovery address
            new PxeSubOption.Raw(2, bytes(0x0f, 0xa1)), // multicast client port
            new PxeSubOption.Raw(200, bytes('z', 'z')),
            new PxeSubOption.Raw(6, new byte[0]), // malformed discovery control
            new PxeSubOption.Raw(71, bytes(1)), // malformed boot item
            new PxeSubOption.MenuPrompt(255, "")); // wait forever, no text
    PxeSubOption.DiscoveryControl dc = pxe.discoveryControl().orElseThrow();
    assertThat(dc.disableBroadcast()).isTrue();
    assertThat(dc.disableMulticast()).isTrue();
    assertThat(dc.onlyBootServerList()).isFalse();
    assertThat(dc.useBootfileDirectly()).isTrue();
    assertThat(pxe.bootItem()).isEmpty();
  }

  @Test
  void malformedMenuAndServerListsStayRaw() throws Exception {
    PxeVendorOptions pxe = PxeVendorOptions.decode(bytes(8, 4, 0, 1, 2, 192, 9, 4, 0, 0, 9, 'a', 255));
    assertThat(pxe.subOptions())
        .containsExactly(new PxeSubOption.Raw(8, bytes(0, 1, 2, 192)), new PxeSubOption.Raw(9, bytes(0, 0, 9, 'a')));
    assertThat(pxe.bootMenu()).isEmpty();
    assertThat(pxe.bootServers()).isEmpty();
  }

  @Test
  void subOptionPastTheEndIsOptionOverrun() {
    assertThatThrownBy(() -> PxeVendorOptions.decode(bytes(6, 1, 3, 9, 32, 'a')))
        .isInstanceOf(MalformedPacketException.class)
        .extracting(e -> ((MalformedPacketException) e).reason())
        .isEqualTo("option_overrun");
    assertThatThrownBy(() -> PxeVendorOptions.decode(bytes(6)))
        .isInstanceOf(MalformedPacketException.class)
        .extracting(e -> ((MalformedPacketException) e).reason())
        .isEqualTo("option_overrun");
  }

  @Test
  void textOutsideIsoLatin1IsRefusedAtConstruction() {
    assertThatThrownBy(() -> new PxeSubOption.MenuItem(0x8000, "Démarrer ☃"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ISO-8859-1");
    assertThatThrownBy(() -> new PxeSubOption.MenuPrompt(256, "x")).hasMessageContaining("0..255");
  }
}
