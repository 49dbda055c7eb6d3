package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
  @TempDir Path dir;
  String config;

  @BeforeEach
  void config() throws Exception {
    config = Cli.exampleConfig(dir).toString();
  }

  @Test
  void biosPxeClientGetsTheMenuInOption43() {
    Cli r = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--arch", "0");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("protocol:           DHCP4_PROXY")
        .contains("mac:                52:54:00:12:34:56 (from chaddr)")
        .contains("plan:               Menu (3 items, prompt 'Press F8 for the boot menu')")
        .contains("event:              pxe_menu_shown")
        .contains("reason:             PXE client of arch 0 (Intel x86PC): the boot menu")
        .contains("reply: OFFER to 255.255.255.255:68 (broadcast)")
        .contains("siaddr:             192.0.2.1")
        .contains("option 60:          'PXEClient'")
        .contains("type 32768 (0x8000): 'Network boot (iPXE)'")
        .contains("type 0 (local boot): 'Boot from local disk'")
        .contains("type 32770 (0x8002): 192.0.2.1")
        .contains("10 menu prompt timeout 5 'Press F8 for the boot menu'");
  }

  @Test
  void uefiPxeClientIsSentToTheBootServerWithoutOption43() {
    Cli r = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--arch", "7", "--server-address", "10.0.0.5");
    assertThat(r.out())
        .contains("plan:               TftpFile 52:54:00:12:34:56/ipxe.efi")
        .contains("event:              point_pxe_to_ipxe_over_tftp")
        .contains("siaddr:             10.0.0.5")
        .contains("file:               (empty)")
        .contains("option 43:          (none)");
  }

  @Test
  void menuChoiceAtTheBootServerGetsTheItemsFile() {
    Cli r = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--arch", "0", "--menu-item", "3");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("REQUEST to the boot server, UDP 4011")
        .contains("protocol:           DHCP4_BOOT_SERVER")
        .contains("menu item:          32770 (0x8002)")
        .contains("plan:               TftpFile rescue/pxelinux.0")
        .contains("reason:             menu item 'Rescue': rescue/pxelinux.0")
        .contains("reply: ACK")
        .contains("file:               'rescue/pxelinux.0'");
  }

  @Test
  void ipxeGetsTheHttpUrlAsItsBootFile() {
    Cli r = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--arch", "7", "--user-class", "iPXE");
    assertThat(r.out())
        .contains("ipxe:               true")
        .contains("event:              point_ipxe_to_http_boot")
        .contains("file:               'http://[2001:db8:0123:4567::]/mac/52:54:00:12:34:56/boot.ipxe'");
  }

  @Test
  void dhcp6HttpBootGetsOption59AndVendorClass343() {
    Cli r = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--arch", "16", "--v6");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("protocol:           DHCP6")
        .contains("http-boot firmware: true")
        .contains("event:              http_boot")
        .contains("address (IA_NA):    2001:db8:123:4567:0:5254:12:3456")
        .contains("option 59 URL:      http://[2001:db8:0123:4567::]/mac/52:54:00:12:34:56/boot.ipxe")
        .contains("vendor class (16):  enterprise 343 [\"HTTPClient\"]");
  }

  @Test
  void dhcp6PxeGetsATftpUrlOnTheServersAddress() {
    Cli r = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--arch", "7", "--v6", "--server-address", "2001:db8::7");
    assertThat(r.out())
        .contains("option 59 URL:      tftp://[2001:db8::7]/52:54:00:12:34:56/ipxe.efi")
        .contains("vendor class (16):  (none)");
  }

  @Test
  void osWithoutPxeVendorClassGetsNoReply() {
    Cli r = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--vendor-class", "none");
    assertThat(r.out()).contains("reply: none (silent: not_pxe: DISCOVER without PXEClient/HTTPClient vendor class)");
  }

  @Test
  void mainListsTheThreeCommands() {
    Cli r = Cli.run("--help");
    assertThat(r.out()).contains("explain").contains("decode").contains("export");
  }

  @Test
  void usageErrorsSaySo() {
    Cli noPrefix = Cli.run("explain", "--mac", "52:54:00:12:34:56", "--v6");
    assertThat(noPrefix.exitCode()).isEqualTo(2);
    assertThat(noPrefix.err()).contains("--v6 needs dhcp6.base-address");
    Cli badMac = Cli.run("explain", "--mac", "52:54:00:12:34");
    assertThat(badMac.exitCode()).isEqualTo(2);
    assertThat(badMac.err()).contains("is not a MAC address");
    Cli noItem = Cli.run("explain", "--config", config, "--mac", "52:54:00:12:34:56", "--arch", "0", "--menu-item", "4");
    assertThat(noItem.err()).contains("the menu has items 1..3");
  }
}
