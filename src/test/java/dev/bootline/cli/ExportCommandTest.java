package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.dhcp4.PxeSubOption;
import dev.bootline.dhcp4.PxeVendorOptions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
  @TempDir Path dir;
  String config;

  @BeforeEach
  void config() throws Exception {
    config = Cli.exampleConfig(dir).toString();
  }

  static String export(String format, String config) {
    Cli r = Cli.run("export", "--format", format, "--config", config, "--server-address", "198.51.100.7");
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r.out();
  }

  /** The option 43 in each export, read back with the PXE decoder: the menu a ROM would show. */
  @Test
  void everyFormatCarriesTheSameMenuPointingAtBootline() throws Exception {
    String isc = export("isc-dhcpd", config);
    String kea = export("kea", config);
    String dnsmasq = export("dnsmasq", config);
    byte[] fromIsc = hex(isc, "option vendor-encapsulated-options ([0-9a-f:]+);");
    byte[] fromKea = hex(kea, "\"code\": 43, \"csv-format\": false, \"data\": \"([0-9A-F]+)\"");
    byte[] fromDnsmasq = hex(dnsmasq, ",43,([0-9a-f:]+)\n");
    assertThat(fromKea).isEqualTo(fromIsc);
    assertThat(fromDnsmasq).isEqualTo(fromIsc);
    PxeVendorOptions pxe = PxeVendorOptions.decode(fromIsc);
    assertThat(pxe.bootMenu().orElseThrow().items()).containsExactly(
        new PxeSubOption.MenuItem(0x8000, "Network boot (iPXE)"),
        new PxeSubOption.MenuItem(0, "Boot from local disk"),
        new PxeSubOption.MenuItem(0x8002, "Rescue"));
    assertThat(pxe.bootServers().orElseThrow().servers()).allSatisfy(
        s -> assertThat(s.addresses()).containsExactly((java.net.Inet4Address) InetAddress.getByName("198.51.100.7")));
    assertThat(pxe.menuPrompt().orElseThrow()).isEqualTo(new PxeSubOption.MenuPrompt(5, "Press F8 for the boot menu"));
  }

  @Test
  void perArchitectureBootFilesAndBootServer() {
    assertThat(export("isc-dhcpd", config))
        .contains("next-server 198.51.100.7;")
        .contains("elsif option bootline-arch = 00:07 or option bootline-arch = 00:09 {")
        .contains(", \"/ipxe.efi\");")
        .contains("if exists user-class and option user-class = \"iPXE\"\n");
    assertThat(export("kea", config))
        .contains("\"next-server\": \"198.51.100.7\", \"boot-file-name\": \"ipxe.efi\"")
        .contains("(option[93].hex == 0x0007 or option[93].hex == 0x0009)");
    assertThat(export("dnsmasq", config))
        .contains("dhcp-match=set:bootline-x86_64-efi,option:client-arch,7")
        .contains("dhcp-boot=tag:bootline-pxe,tag:bootline-x86_64-efi,tag:!bootline-chained,ipxe.efi,,198.51.100.7")
        .contains("dhcp-option-force=tag:bootline-http,tag:!bootline-chained,option:vendor-class,HTTPClient");
  }

  @Test
  void withoutAMenuBiosGetsItsFileInstead() throws Exception {
    Path plain = dir.resolve("plain.yaml");
    java.nio.file.Files.writeString(plain, "boot:\n  http-boot-url-template: \"http://boot.example/{{.MAC}}.ipxe\"\n");
    String isc = export("isc-dhcpd", plain.toString());
    assertThat(isc).doesNotContain("vendor-encapsulated-options")
        .contains("if option bootline-arch = 00:00 {")
        .contains(", \"/undionly.kpxe\");");
    assertThat(export("dnsmasq", plain.toString())).doesNotContain(",43,")
        .contains("dhcp-boot=tag:bootline-pxe,tag:bootline-bios,tag:!bootline-ipxe,undionly.kpxe,,198.51.100.7");
  }

  /**
   * QEMU's BIOS ROM is iPXE: with a menu it must get the menu (it is the machine's PXE firmware), while the iPXE it
   * chainloads gets the URL. The two differ only in vendor class (fixtures/bios-pxe-*: frame 01 vs 11).
   */
  @Test
  void withAMenuTheBiosIpxeRomIsToldApartFromTheChainloadedIpxeByVendorClass() throws Exception {
    assertThat(export("isc-dhcpd", config)).contains(
        "if exists user-class and option user-class = \"iPXE\"\n"
            + "    and not (substring(option vendor-class-identifier, 0, 20) = \"PXEClient:Arch:00000\") {");
    assertThat(export("kea", config)).contains(
        "\"test\": \"option[77].hex == 'iPXE' and not (substring(option[60].hex,0,20) == 'PXEClient:Arch:00000')\"");
    assertThat(export("dnsmasq", config))
        .contains("dhcp-vendorclass=set:bootline-bios-rom,PXEClient:Arch:00000\n")
        .contains("tag-if=set:bootline-chained,tag:bootline-ipxe,tag:!bootline-bios-rom\n")
        .contains("dhcp-boot=tag:bootline-chained,http://")
        .contains("dhcp-option-force=tag:bootline-pxe,tag:bootline-bios,tag:!bootline-chained,43,");
    for (String f : List.of("isc-dhcpd", "kea", "dnsmasq")) {
      assertThat(export(f, config)).as(f).contains("limit: BIOS iPXE ROMs (QEMU, libvirt, Proxmox)");
    }
    // without a menu there is nothing to tell apart: every iPXE gets the URL, as from bootline's proxy
    Path plain = dir.resolve("plain.yaml");
    java.nio.file.Files.writeString(plain, "boot:\n  http-boot-url-template: \"http://boot.example/{{.MAC}}.ipxe\"\n");
    assertThat(export("isc-dhcpd", plain.toString())).contains("if exists user-class and option user-class = \"iPXE\" {")
        .doesNotContain("PXEClient:Arch:00000").doesNotContain("limit: BIOS iPXE ROMs");
    assertThat(export("dnsmasq", plain.toString())).doesNotContain("bootline-chained").contains("dhcp-boot=tag:bootline-ipxe,");
  }

  @Test
  void limitsAreComments() {
    String dnsmasq = export("dnsmasq", config);
    List<String> limits = dnsmasq.lines().filter(l -> l.contains("limit:")).toList();
    assertThat(limits).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("#"));
    assertThat(dnsmasq).contains("cannot put the client's MAC into the boot file name");
    String kea = export("kea", config);
    assertThat(kea.lines().filter(l -> l.contains("limit:"))).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("//"));
  }

  @Test
  void unknownFormatIsAUsageError() {
    Cli r = Cli.run("export", "--format", "windows-dhcp", "--config", config);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--format must be isc-dhcpd, kea or dnsmasq");
  }

  private static byte[] hex(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("no match for " + regex + " in:\n" + text).isTrue();
    return HexFormat.of().parseHex(m.group(1).replace(":", "").toLowerCase());
  }
}
