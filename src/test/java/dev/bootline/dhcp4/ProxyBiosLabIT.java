package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Qemu;
import dev.bootline.lab.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SeaBIOS + QEMU's iPXE option ROM beside an ordinary site DHCP server (dnsmasq giving addresses only, in its own
 * namespace): bootline's proxy shows its menu, the first item boots undionly.kpxe over TFTP (dnsmasq TFTP-only, the
 * team's TFTP server is not on this branch), and the chainloaded iPXE is told the HTTP-boot URL, not the menu again.
 */
@LabTest({Requirement.QEMU, Requirement.IPXE_ROMS, Requirement.IPXE_BINARIES, Requirement.DNSMASQ})
class ProxyBiosLabIT {
  static final String MAC = Qemu.DEFAULT_MAC;
  static final String URL = "http://192.0.2.1/mac/" + MAC + "/boot.ipxe";

  @Test
  void biosRomShowsTheMenuBootsUndionlyAndTheChainloadedIpxeGetsTheHttpUrl(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("192.0.2.1/24");
    ProxyLabs.siteDhcpServer(lab, srv, "br0");

    Path tftpRoot = lab.dir().resolve("tftp");
    Files.createDirectories(tftpRoot.resolve(MAC));
    Files.copy(Path.of("/usr/lib/ipxe/undionly.kpxe"), tftpRoot.resolve(MAC).resolve("undionly.kpxe"));
    ProxyLabs.dnsmasq(lab, srv, "tftp", "interface=br0\nbind-interfaces\nenable-tftp\ntftp-root=" + tftpRoot + "\n");

    LabProcess proxy = ProxyLabs.startProxy(lab, srv,
        """
        interfaces: [br0]
        boot:
          http-boot-url-template: "http://192.0.2.1/mac/{{.MAC}}/boot.ipxe"
        proxy-dhcp:
          menu:
            prompt: "bootline lab menu"
            timeout: 2
            items:
              - {label: "Network boot (iPXE)", boot: ipxe}
              - {label: "Boot from local disk", boot: local}
        """);

    Qemu vm = lab.seabios(srv, "tap0").nic("virtio-net-pci").mac(MAC).start();
    vm.waitForSerial("bootline lab menu", Duration.ofSeconds(60));
    vm.waitForSerial("undionly\\.kpxe : \\d+ bytes", Duration.ofSeconds(40));
    vm.waitForSerial(Pattern.quote(URL), Duration.ofSeconds(40));

    String serial = vm.serialText();
    assertThat(serial).contains("Filename: " + MAC + "/undionly.kpxe");
    String afterChain = serial.substring(serial.indexOf("undionly.kpxe : "));
    assertThat(afterChain).as("the chainloaded iPXE does not get the menu again").doesNotContain("bootline lab menu");
    assertThat(afterChain).contains("Filename: " + URL);

    proxy.waitFor("EVENT " + MAC + " point_ipxe_to_http_boot .*url=" + Pattern.quote(URL), Duration.ofSeconds(10));
    List<String> events = proxy.output().lines().filter(l -> l.startsWith("EVENT ")).toList();
    assertThat(events).anyMatch(l -> l.contains(" pxe_menu_shown ") && l.contains("interface=br0"));
    assertThat(events)
        .anyMatch(l -> l.contains(" pxe_menu_choice ") && l.contains("label=Network boot (iPXE)")
            && l.contains("file=" + MAC + "/undionly.kpxe"));
    // the site server handed out the address; bootline never did
    assertThat(Files.readString(lab.dir().resolve("site-dhcp.leases"))).contains(MAC);
  }
}
