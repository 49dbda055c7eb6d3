package dev.bootline.dhcp4;

import static dev.bootline.dhcp4.Packets.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.wire.MalformedPacketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class Dhcp4EdgeCaseTest {

  private static Dhcp4Message roundTrip(byte[] wire) throws MalformedPacketException {
    Dhcp4Message m = Dhcp4Message.decode(wire);
    assertThat(m.encode()).as("re-encoded bytes").isEqualTo(wire);
    assertThat(Dhcp4Message.decode(m.encode())).isEqualTo(m);
    return m;
  }

  private static MalformedPacketException malformed(byte[] wire) {
    try {
      Dhcp4Message m = Dhcp4Message.decode(wire);
      throw new AssertionError("decoded but should not have: " + m);
    } catch (MalformedPacketException e) {
      return e;
    }
  }

  @Test
  void rfc3396SplitOptionIsConcatenatedInOrderAndKeptAsTwoInstances() throws Exception {
    byte[] wire =
        withOptions(concat(new int[] {53, 1, 1}, option(12, "boot"), new int[] {57, 2, 5, 0xc0}, option(12, "line"),
            new int[] {255}));
    Dhcp4Message m = roundTrip(wire);
    assertThat(m.options().hostName()).contains("bootline");
    assertThat(m.options().instances(12)).hasSize(2);
    assertThat(m.options().codes()).containsExactly(53, 12, 57);
    assertThat(m.options().maxMessageSize()).hasValue(1472);
  }

  @Test
  void optionOverloadIntoFileAndSnameIsReadInRfcOrder() throws Exception {
    // options field: 53, 52=3, vendor class starts "PXE"; file: rest "Client" + 67; sname: 66
    byte[] file = bytes(concat(option(60, "Client"), option(67, "pxelinux.0"), new int[] {255}));
    byte[] sname = bytes(concat(option(66, "tftp.lab"), new int[] {0, 0, 255}));
    byte[] opts = bytes(concat(new int[] {53, 1, 1, 52, 1, 3}, option(60, "PXE"), new int[] {255}));
    byte[] wire = withAreas(sname, file, opts);
    Dhcp4Message m = roundTrip(wire);
    assertThat(m.options().overload()).hasValue(3);
    assertThat(m.options().vendorClass().orElseThrow().text()).isEqualTo("PXEClient");
    assertThat(m.options().bootfileName()).contains("pxelinux.0");
    assertThat(m.options().tftpServerName()).contains("tftp.lab");
    assertThat(m.fileField()).isEmpty(); // it holds options, not a file name
    assertThat(m.snameField()).isEmpty();
    assertThat(m.options().instances(60))
        .extracting(Dhcp4OptionItem::area)
        .containsExactly(Dhcp4OptionArea.OPTIONS, Dhcp4OptionArea.FILE);
    // the file area's bytes after its End are kept as a trailer; sname's pad run as a pad item
    assertThat(m.options().items())
        .contains(new Dhcp4OptionItem.Pad(Dhcp4OptionArea.SNAME, 2), new Dhcp4OptionItem.End(Dhcp4OptionArea.FILE));
  }

  @Test
  void overloadOfFileOnlyLeavesSnameAsText() throws Exception {
    byte[] file = bytes(concat(option(67, "boot.efi"), new int[] {255}));
    byte[] wire = withAreas("server1".getBytes(StandardCharsets.US_ASCII), file, bytes(53, 1, 2, 52, 1, 1, 255));
    Dhcp4Message m = roundTrip(wire);
    assertThat(m.snameField()).contains("server1");
    assertThat(m.options().bootfileName()).contains("boot.efi");
    assertThat(m.options().tftpServerName()).isEmpty();
  }

  @Test
  void overloadedFieldsAreEncodedFromTheirItems() throws Exception {
    Dhcp4Message m =
        Dhcp4Message.decode(
            withAreas(new byte[0], bytes(concat(option(67, "a"), new int[] {255})), bytes(52, 1, 1, 255)));
    List<Dhcp4OptionItem> items =
        m.options().items().stream()
            .map(
                i ->
                    i instanceof Dhcp4OptionItem.Option o && o.code() == 67
                        ? new Dhcp4OptionItem.Option(Dhcp4OptionArea.FILE, 67, "b.efi".getBytes(StandardCharsets.US_ASCII))
                        : i)
            .toList();
    Dhcp4Message changed =
        new Dhcp4Message(m.op(), m.htype(), m.hlen(), m.hops(), m.xid(), m.secs(), m.flags(), m.ciaddr(), m.yiaddr(),
            m.siaddr(), m.giaddr(), m.chaddr(), m.sname(), m.file(), new Dhcp4Options(items));
    assertThat(Dhcp4Message.decode(changed.encode()).options().bootfileName()).contains("b.efi");
  }

  @Test
  void overloadedOptionsThatNoLongerFitTheFieldAreRefused() throws Exception {
    Dhcp4Message m =
        Dhcp4Message.decode(
            withAreas(new byte[0], bytes(concat(option(67, "a"), new int[] {255})), bytes(52, 1, 1, 255)));
    List<Dhcp4OptionItem> items = new java.util.ArrayList<>(m.options().items());
    items.add(1, new Dhcp4OptionItem.Option(Dhcp4OptionArea.FILE, 224, new byte[130]));
    Dhcp4Message tooMuch =
        new Dhcp4Message(m.op(), m.htype(), m.hlen(), m.hops(), m.xid(), m.secs(), m.flags(), m.ciaddr(), m.yiaddr(),
            m.siaddr(), m.giaddr(), m.chaddr(), m.sname(), m.file(), new Dhcp4Options(items));
    assertThatThrownBy(tooMuch::encode)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FILE take 136 bytes; the field holds 128");
  }

  @Test
  void optionLengthPastEndIsOptionOverrun() {
    assertThat(malformed(withOptions(53, 1, 1, 60, 9, 'P', 'X', 'E')).reason()).isEqualTo("option_overrun");
    assertThat(malformed(withOptions(53, 1, 1, 60)).reason()).isEqualTo("option_overrun"); // no length byte
    byte[] badFile = bytes(67, 200); // length runs past the 128-byte file field
    assertThat(malformed(withAreas(new byte[0], badFile, bytes(52, 1, 1, 255))).reason()).isEqualTo("option_overrun");
  }

  @Test
  void zeroLengthOptionIsKept() throws Exception {
    Dhcp4Message m = roundTrip(withOptions(53, 1, 1, 80, 0, 255));
    assertThat(m.options().get(80)).hasValueSatisfying(v -> assertThat(v).isEmpty());
    assertThat(m.options().contains(80)).isTrue();
  }

  @Test
  void truncatedHeaderAndBadCookie() {
    assertThat(malformed(new byte[0]).reason()).isEqualTo("truncated_header");
    assertThat(malformed(new byte[239]).reason()).isEqualTo("truncated_header");
    assertThat(malformed(Arrays.copyOf(withOptions(255), 100)).reason()).isEqualTo("truncated_header");
    byte[] bootp = withOptions(255);
    bootp[239] = 0;
    assertThat(malformed(bootp).reason()).isEqualTo("bad_cookie");
    assertThatThrownBy(() -> Dhcp4Message.decode(null)).isInstanceOf(MalformedPacketException.class);
  }

  @Test
  void hardwareAddressLength() throws Exception {
    byte[] tooLong = withOptions(255);
    tooLong[2] = 17;
    assertThat(malformed(tooLong).reason()).isEqualTo("bad_hlen");
    byte[] shortEthernet = withOptions(255);
    shortEthernet[2] = 5;
    assertThat(malformed(shortEthernet).reason()).isEqualTo("bad_hlen");
  }

  @Test
  void nonEthernetDecodesButHasNoMac() throws Exception {
    byte[] infiniband = withOptions(53, 1, 1, 255);
    infiniband[1] = 32;
    infiniband[2] = 0; // RFC 4390: hlen 0, address in client id
    Dhcp4Message m = roundTrip(infiniband);
    assertThat(m.htype()).isEqualTo(32);
    assertThat(m.isEthernet()).isFalse();
    assertThat(m.ethernetMac()).isEmpty();
    assertThatThrownBy(m::requireEthernetMac)
        .isInstanceOf(MalformedPacketException.class)
        .extracting(e -> ((MalformedPacketException) e).reason())
        .isEqualTo("not_ethernet");
  }

  @Test
  void badOverloadValues() {
    assertThat(malformed(withOptions(52, 1, 4, 255)).reason()).isEqualTo("bad_overload");
    assertThat(malformed(withOptions(52, 1, 0, 255)).reason()).isEqualTo("bad_overload");
    assertThat(malformed(withOptions(52, 2, 1, 1, 255)).reason()).isEqualTo("bad_overload");
    assertThat(malformed(withOptions(52, 0, 255)).reason()).isEqualTo("bad_overload");
  }

  @Test
  void padsMissingEndAndBytesAfterEndSurviveRoundTrip() throws Exception {
    Dhcp4Message noEnd = roundTrip(withOptions(0, 0, 53, 1, 3));
    assertThat(noEnd.options().items())
        .containsExactly(
            new Dhcp4OptionItem.Pad(Dhcp4OptionArea.OPTIONS, 2),
            new Dhcp4OptionItem.Option(53, new byte[] {3}));
    Dhcp4Message garbageAfterEnd = roundTrip(withOptions(53, 1, 3, 255, 0, 7, 0xff, 1));
    assertThat(garbageAfterEnd.options().codes()).containsExactly(53);
    assertThat(garbageAfterEnd.options().items().getLast())
        .isEqualTo(new Dhcp4OptionItem.Trailer(Dhcp4OptionArea.OPTIONS, bytes(0, 7, 0xff, 1)));
    Dhcp4Message empty = roundTrip(withOptions());
    assertThat(empty.options().items()).isEmpty();
    assertThat(empty.messageType()).isEmpty();
  }

  @Test
  void malformedFixedFormatOptionsReadAsAbsentButStayRaw() throws Exception {
    Dhcp4Message m = roundTrip(withOptions(53, 2, 1, 1, 93, 3, 0, 7, 0, 54, 3, 1, 2, 3, 94, 1, 1, 97, 2, 0, 0, 255));
    assertThat(m.messageType()).isEmpty();
    assertThat(m.options().get(53)).isPresent();
    assertThat(m.options().clientArchitectures()).isEmpty();
    assertThat(m.options().serverIdentifier()).isEmpty();
    assertThat(m.options().clientNdi()).isEmpty();
    assertThat(m.options().clientMachineId()).isEmpty();
  }

  @Test
  void multipleArchitecturesAreAU16List() throws Exception {
    Dhcp4Message m = roundTrip(withOptions(93, 4, 0, 7, 0, 9, 255));
    assertThat(m.options().clientArchitectures()).containsExactly(7, 9);
  }

  @Test
  void userClassInRfc3004FormAlsoSaysIpxe() throws Exception {
    Dhcp4Message rfc = roundTrip(withOptions(concat(new int[] {77, 10, 4}, ascii("iPXE"), new int[] {4}, ascii("gPXE"), new int[] {255})));
    UserClass uc = rfc.options().userClass().orElseThrow();
    assertThat(uc.classes()).containsExactly("iPXE", "gPXE");
    assertThat(rfc.options().isIpxe()).isTrue();
    Dhcp4Message other = roundTrip(withOptions(concat(option(77, "foo"), new int[] {255})));
    assertThat(other.options().isIpxe()).isFalse();
    assertThat(other.options().userClass().orElseThrow().classes()).containsExactly("foo");
  }

  @Test
  void vendorClassArchParsing() {
    assertThat(new VendorClass("PXEClient:Arch:00007:UNDI:003016").arch()).hasValue(7);
    assertThat(new VendorClass("PXEClient:Arch:00007:UNDI:003016").undiMajor()).hasValue(3);
    assertThat(new VendorClass("PXEClient:Arch:00007:UNDI:003016").undiMinor()).hasValue(16);
    assertThat(new VendorClass("HTTPClient:Arch:00016").arch()).hasValue(16);
    assertThat(new VendorClass("HTTPClient:Arch:00016").isHttpClient()).isTrue();
    assertThat(new VendorClass("PXEClient").arch()).isEmpty();
    assertThat(new VendorClass("PXEClient").isPxeClient()).isTrue();
    assertThat(new VendorClass("PXEClient:Arch:0007").arch()).isEmpty();
    assertThat(new VendorClass("PXEClient:Arch:000071").arch()).isEmpty();
    assertThat(new VendorClass("MSFT 5.0").isPxeClient()).isFalse();
  }

  @Test
  void relayAgentInformationIsParsedAndKeptVerbatim() throws Exception {
    Dhcp4Message m = roundTrip(withOptions(53, 1, 1, 82, 8, 1, 2, 0, 5, 2, 2, 0xaa, 0xbb, 255));
    EncapsulatedOptions relay = m.options().relayAgentInformation().orElseThrow();
    assertThat(relay.raw()).isEqualTo(bytes(1, 2, 0, 5, 2, 2, 0xaa, 0xbb));
    assertThat(relay.subOptions()).containsExactly(new SubOption(1, bytes(0, 5)), new SubOption(2, bytes(0xaa, 0xbb)));
    assertThat(relay.complete()).isTrue();
    EncapsulatedOptions broken = EncapsulatedOptions.parse(bytes(1, 2, 0, 5, 2, 9, 1));
    assertThat(broken.complete()).isFalse();
    assertThat(broken.subOptions()).containsExactly(new SubOption(1, bytes(0, 5)));
  }
}
