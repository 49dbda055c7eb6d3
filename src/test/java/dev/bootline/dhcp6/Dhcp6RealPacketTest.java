package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.dhcp6.Dhcp6Option.BootFileUrl;
import dev.bootline.dhcp6.Dhcp6Option.ClientId;
import dev.bootline.dhcp6.Dhcp6Option.ElapsedTime;
import dev.bootline.dhcp6.Dhcp6Option.IaAddress;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.Nii;
import dev.bootline.dhcp6.Dhcp6Option.OptionRequest;
import dev.bootline.dhcp6.Dhcp6Option.Preference;
import dev.bootline.dhcp6.Dhcp6Option.ServerId;
import dev.bootline.dhcp6.Dhcp6Option.StatusCode;
import dev.bootline.dhcp6.Dhcp6Option.UserClass;
import dev.bootline.dhcp6.Dhcp6Option.VendorClass;
import dev.bootline.testing.Fixtures;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Assertions on real packets captured from OVMF (EDK2) PXEv6 / HTTPv6 boot, iPXE, dnsmasq and Kea. */
class Dhcp6RealPacketTest {
  private static final String PXE6 = "uefi-pxe6-virtio-net-pci-builtin-tcg";
  private static final String HTTP6 = "uefi-http6kea-virtio-net-pci-builtin-tcg";
  private static final MacAddress GUEST = MacAddress.parse("52:54:00:12:34:56").orElseThrow();

  private static Dhcp6Message decode(String scenario, String file) throws Exception {
    return Dhcp6Codec.decode(Fixtures.bytes(scenario, file));
  }

  @Test
  void edk2FirstSolicitHasDuidLltIaNaAndOro() throws Exception {
    Dhcp6Message m = decode(PXE6, "01-client-dhcp6-solicit.hex");
    assertThat(m).isInstanceOf(ClientServerMessage.class);
    assertThat(((ClientServerMessage) m).transactionId()).isEqualTo(0x6dacfb);
    assertThat(m.is(MessageType.SOLICIT)).isTrue();
    Duid duid = m.clientId().orElseThrow();
    assertThat(duid).isInstanceOf(Duid.Llt.class);
    Duid.Llt llt = (Duid.Llt) duid;
    assertThat(llt.hardwareType()).isEqualTo(1);
    assertThat(llt.time()).isEqualTo(0x31db9ea6L);
    assertThat(duid.mac()).contains(GUEST);
    assertThat(MacRecovery.recover(m, null))
        .contains(new MacRecovery.Recovered(GUEST, MacRecovery.Source.DUID));
    IaNa ia = m.option(IaNa.class).orElseThrow();
    assertThat(ia.iaid()).isEqualTo(0xdaa8d777L);
    assertThat(ia.t1()).isEqualTo(0xffffffffL);
    assertThat(ia.t2()).isEqualTo(0xffffffffL);
    assertThat(ia.options()).isEmpty();
    assertThat(m.oro().codes()).containsExactly(23);
    assertThat(m.option(ElapsedTime.class)).contains(new ElapsedTime(0));
    assertThat(m.options()).extracting(Dhcp6Option::code).containsExactly(1, 8, 3, 6);
    assertThat(m.vendorClass()).isEmpty();
  }

  @Test
  void edk2PxeSolicitHasVendorClassPxeClientAndArch7() throws Exception {
    Dhcp6Message m = decode(PXE6, "05-client-dhcp6-solicit.hex");
    assertThat(m.clientId().flatMap(Duid::mac)).contains(GUEST);
    VendorClass vc = m.vendorClass().orElseThrow();
    assertThat(vc.enterpriseNumber()).isEqualTo(343);
    assertThat(vc.strings()).containsExactly("PXEClient:Arch:00007:UNDI:003000");
    assertThat(vc.anyStartsWith("PXEClient")).isTrue();
    assertThat(m.clientArchTypes()).containsExactly(7);
    assertThat(m.option(Nii.class)).contains(new Nii(1, 3, 0));
    assertThat(m.oro().codes()).containsExactly(59, 60, 23, 16);
    assertThat(m.oro().contains(Dhcp6Option.BOOTFILE_URL)).isTrue();
    assertThat(m.userClasses()).isEmpty();
  }

  @Test
  void ipxeSolicitHasUserClassIpxeAndDuidUuid() throws Exception {
    Dhcp6Message m = decode(PXE6, "13-client-dhcp6-solicit.hex");
    assertThat(m.userClasses()).containsExactly("iPXE");
    assertThat(m.option(UserClass.class).orElseThrow().classes()).containsExactly(Bytes.ascii("iPXE"));
    assertThat(m.clientId()).contains(new Duid.Uuid(new UUID(0, 0)));
    assertThat(m.clientId().flatMap(Duid::mac)).isEmpty();
    assertThat(m.clientArchTypes()).containsExactly(7);
    assertThat(m.option(Nii.class)).contains(new Nii(1, 3, 10));
    assertThat(m.oro()).isEqualTo(OptionRequest.of(23, 24, 59, 60));
    assertThat(m.vendorClass().orElseThrow().first()).isEqualTo("PXEClient:Arch:00007:UNDI:003010");
  }

  @Test
  void dnsmasqAdvertiseToIpxeCarriesBootFileUrlStatusAndPreference() throws Exception {
    Dhcp6Message m = decode(PXE6, "14-server-dhcp6-advertise.hex");
    assertThat(m.is(MessageType.ADVERTISE)).isTrue();
    assertThat(m.option(BootFileUrl.class).orElseThrow().url()).isEqualTo("http://[2001:db8:1::1]/boot.ipxe");
    assertThat(m.option(Preference.class)).contains(new Preference(0));
    assertThat(m.option(StatusCode.class)).contains(StatusCode.success());
    assertThat(m.serverId().flatMap(Duid::mac)).contains(MacAddress.parse("1a:98:e8:32:e1:1f").orElseThrow());
    IaAddress addr = m.iaNas().getFirst().addresses().getFirst();
    assertThat(addr.address()).isEqualTo(InetAddress.getByName("2001:db8:1::163"));
    assertThat(addr.preferredLifetime()).isEqualTo(600);
    assertThat(addr.validLifetime()).isEqualTo(600);
  }

  @Test
  void edk2HttpBootSolicitHasHttpClientVendorClassAndArch16() throws Exception {
    Dhcp6Message m = decode(HTTP6, "13-client-dhcp6-solicit.hex");
    VendorClass vc = m.vendorClass().orElseThrow();
    assertThat(vc.enterpriseNumber()).isEqualTo(Dhcp6Option.ENTERPRISE_INTEL);
    assertThat(vc.first()).isEqualTo("HTTPClient:Arch:00016:UNDI:003000");
    assertThat(vc.anyStartsWith("HTTPClient")).isTrue();
    assertThat(m.clientArchTypes()).containsExactly(16);
    assertThat(m.oro().contains(59)).isTrue();
    assertThat(m.clientId().flatMap(Duid::mac)).contains(GUEST);
  }

  @Test
  void keaHttpBootAdvertiseAndReplyCarryVendorClassAndUrl() throws Exception {
    for (String f : List.of("14-server-dhcp6-advertise.hex", "20-server-dhcp6-reply.hex")) {
      Dhcp6Message m = decode(HTTP6, f);
      assertThat(m.vendorClass()).contains(VendorClass.of(343, "HTTPClient"));
      assertThat(m.option(BootFileUrl.class)).contains(BootFileUrl.of("http://[2001:db8:1::1]/ipxe.efi"));
      assertThat(m.option(ServerId.class).orElseThrow().duid())
          .isEqualTo(Duid.Ll.ethernet(MacAddress.parse("82:d4:2b:c3:70:37").orElseThrow()));
    }
  }

  @Test
  void everyServerPacketOfTheBootScenariosThatAnswersAnOroFor59CarriesAUrl() throws Exception {
    int withUrl = 0;
    for (var p : Fixtures.hexFiles("-server-dhcp6-")) {
      Dhcp6Message m = Dhcp6Codec.decode(Fixtures.bytes(p));
      if (m.option(BootFileUrl.class).isPresent()) {
        withUrl++;
        assertThat(m.option(BootFileUrl.class).get().url()).matches("(tftp|http)://.*");
      }
    }
    assertThat(withUrl).isGreaterThanOrEqualTo(4);
  }

  @Test
  void keaReleaseReplyHasStatusMessage() throws Exception {
    Dhcp6Message m = decode(HTTP6, "10-server-dhcp6-reply.hex");
    assertThat(m.option(StatusCode.class).map(StatusCode::text).orElseThrow()).isNotBlank();
    assertThat(m.option(ClientId.class)).isPresent();
  }
}
