package dev.bootline.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.ClientFacts.Protocol;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.wire.MacAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BootPolicyTest {
  static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56").orElseThrow();

  static BootPolicy policy(String yaml) throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml(yaml, "test.yaml", List.of());
    return new BootPolicy(c);
  }

  static final String BASE =
      """
      dhcp6: {base-address: "2001:db8:1::"}
      boot:
        http-boot-url-template: "http://[{{.BaseAddress}}1]/mac/{{.MAC}}/boot.ipxe"
      """;

  static ClientFacts facts(Protocol p, String vendorClass, boolean ipxe, boolean asks, int... archs) {
    return new ClientFacts(
        p, MAC, "test", java.util.Arrays.stream(archs).mapToObj(Arch::new).toList(),
        Optional.ofNullable(vendorClass), ipxe, asks, OptionalInt.empty(), "br0", Optional.of("[2001:db8:1::1]"));
  }

  @Test
  void ovmfPxe6IsChainedToIpxeOverTftpAtItsMacPath() throws Exception {
    BootPlan p = policy(BASE).decide(facts(Protocol.DHCP6, "PXEClient:Arch:00007:UNDI:003000", false, true, 7), Assignment.Source.NONE);
    assertThat(p).isInstanceOf(BootPlan.TftpFile.class);
    assertThat(((BootPlan.TftpFile) p).path()).isEqualTo("52:54:00:12:34:56/ipxe.efi");
    assertThat(p.event()).isEqualTo("point_pxe_to_ipxe_over_tftp");
  }

  @Test
  void arch9IsTreatedAsX64() throws Exception {
    BootPlan p = policy(BASE).decide(facts(Protocol.DHCP6, "PXEClient:Arch:00009", false, true, 9), Assignment.Source.NONE);
    assertThat(((BootPlan.TftpFile) p).path()).endsWith("/ipxe.efi");
  }

  @Test
  void ipxeGetsTheTemplateNeverIpxeAgain() throws Exception {
    BootPlan p = policy(BASE).decide(facts(Protocol.DHCP6, "PXEClient:Arch:00007:UNDI:003010", true, true, 7), Assignment.Source.NONE);
    assertThat(p).isEqualTo(new BootPlan.HttpUrl("http://[2001:db8:1::1]/mac/52:54:00:12:34:56/boot.ipxe",
        "point_ipxe_to_http_boot", "iPXE: the HTTP-boot URL from the template"));
  }

  @Test
  void httpBootFirmwareGetsTheTemplate() throws Exception {
    BootPlan p = policy(BASE).decide(facts(Protocol.DHCP6, "HTTPClient:Arch:00016", false, true, 16), Assignment.Source.NONE);
    assertThat(p).isInstanceOf(BootPlan.HttpUrl.class);
    assertThat(p.event()).isEqualTo("http_boot");
  }

  @Test
  void firmwareNotAskingForABootFileAndOsGetAddressOnly() throws Exception {
    BootPolicy pol = policy(BASE);
    assertThat(pol.decide(facts(Protocol.DHCP6, "PXEClient:Arch:00007", false, false, 7), Assignment.Source.NONE).event())
        .isEqualTo("firmware_init");
    assertThat(pol.decide(facts(Protocol.DHCP6, null, false, true), Assignment.Source.NONE).event()).isEqualTo("os_init");
  }

  @Test
  void biosProxyClientGetsTheMenuUefiDoesNot() throws Exception {
    BootPolicy pol = policy(BASE + "proxy-dhcp:\n  menu:\n    prompt: p\n    items: [{label: iPXE, boot: ipxe}, {label: disk, boot: local}]\n");
    assertThat(pol.decide(facts(Protocol.DHCP4_PROXY, "PXEClient:Arch:00000:UNDI:002001", false, true, 0), Assignment.Source.NONE))
        .isInstanceOf(BootPlan.Menu.class);
    assertThat(pol.decide(facts(Protocol.DHCP4_PROXY, "PXEClient:Arch:00007:UNDI:003016", false, true, 7), Assignment.Source.NONE))
        .isInstanceOf(BootPlan.TftpFile.class);
    // at the boot server a UEFI client without a choice gets the menu; with choice 0x8001 (item 2) boots locally
    assertThat(pol.decide(facts(Protocol.DHCP4_BOOT_SERVER, "PXEClient:Arch:00007", false, true, 7), Assignment.Source.NONE))
        .isInstanceOf(BootPlan.Menu.class);
    ClientFacts chose = new ClientFacts(Protocol.DHCP4_BOOT_SERVER, MAC, "chaddr", List.of(new Arch(0)),
        Optional.of("PXEClient:Arch:00000"), false, true, OptionalInt.of(BootPolicy.menuItemType(1)), "br0", Optional.of("[2001:db8:1::1]"));
    assertThat(pol.decide(chose, Assignment.Source.NONE)).isInstanceOf(BootPlan.LocalBoot.class);
    ClientFacts first = new ClientFacts(Protocol.DHCP4_BOOT_SERVER, MAC, "chaddr", List.of(new Arch(0)),
        Optional.of("PXEClient:Arch:00000"), false, true, OptionalInt.of(BootPolicy.menuItemType(0)), "br0", Optional.of("[2001:db8:1::1]"));
    assertThat(((BootPlan.TftpFile) pol.decide(first, Assignment.Source.NONE)).path()).isEqualTo("52:54:00:12:34:56/undionly.kpxe");
  }

  @Test
  void noIpxeBinaryForTheArchIsAnExplainedIgnore() throws Exception {
    BootPlan p = policy(BASE).decide(facts(Protocol.DHCP6, "PXEClient:Arch:00011", false, true, 11), Assignment.Source.NONE);
    assertThat(p).isInstanceOf(BootPlan.Ignore.class);
    assertThat(p.reason()).contains("no iPXE binary configured for arch 11 (EFI ARM64)");
  }

  @Test
  void assignmentsOverrideThePolicy() throws Exception {
    BootPolicy pol = policy(BASE);
    ClientFacts pxe = facts(Protocol.DHCP6, "PXEClient:Arch:00007", false, true, 7);
    assertThat(pol.decide(pxe, m -> Optional.of(new Assignment.Ignore()))).isInstanceOf(BootPlan.Ignore.class);
    assertThat(pol.decide(pxe, m -> Optional.of(new Assignment.Local()))).isInstanceOf(BootPlan.LocalBoot.class);
    ClientFacts ipxe = facts(Protocol.DHCP6, null, true, true, 7);
    assertThat(((BootPlan.HttpUrl) pol.decide(ipxe, m -> Optional.of(new Assignment.ChainUrl("http://x/y")))).url()).isEqualTo("http://x/y");
  }

  @Test
  void macParsesEveryCommonNotation() {
    for (String s : List.of("52:54:00:12:34:56", "52-54-00-12-34-56", "5254.0012.3456", "525400123456", "52:54:00:12:34:56".toUpperCase())) {
      assertThat(MacAddress.parse(s)).as(s).contains(MAC);
    }
    assertThat(MacAddress.parse("52:54:00:12:34")).isEmpty();
    assertThat(MacAddress.parse("52:54:00:12:34:5g")).isEmpty();
    assertThat(MacAddress.parse("52:54-00:12:34:56")).isEmpty();
    assertThat(MAC.toString()).isEqualTo("52:54:00:12:34:56");
  }
}
