package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Capture;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Qemu;
import dev.bootline.lab.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * OVMF's own PXEv4 (no iPXE ROM) beside a site DHCP server: bootline's proxy offer carries no option 43, so the
 * firmware asks the 4011 boot server, gets the menu there, picks the first item after the timeout, and fetches
 * {@code <mac>/ipxe.efi} over TFTP; the started iPXE is then told the HTTP URL.
 */
@LabTest({Requirement.QEMU, Requirement.OVMF, Requirement.IPXE_BINARIES, Requirement.DNSMASQ, Requirement.TCPDUMP})
class ProxyUefiLabIT {
  static final String MAC = Qemu.DEFAULT_MAC;
  static final String URL = "http://192.0.2.1/mac/" + MAC + "/boot.ipxe";

  @Test
  void ovmfPxeGoesToTheBootServerAndFetchesIpxeEfi(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("192.0.2.1/24");
    ProxyLabs.siteDhcpServer(lab, srv, "br0");

    Path tftpRoot = lab.dir().resolve("tftp");
    Files.createDirectories(tftpRoot.resolve(MAC));
    Files.copy(Path.of("/usr/lib/ipxe/ipxe.efi"), tftpRoot.resolve(MAC).resolve("ipxe.efi"));
    ProxyLabs.dnsmasq(lab, srv, "tftp", "interface=br0\nbind-interfaces\nenable-tftp\ntftp-root=" + tftpRoot + "\n");
    Capture capture = lab.capture(srv, "tap0", "tap0");

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

    Qemu vm = lab.ovmf(srv, "tap0").nic("virtio-net-pci").mac(MAC).romfile("")
        .fwCfg("opt/org.tianocore/IPv6PXESupport", "n").start();
    proxy.waitFor("EVENT " + MAC + " pxe_menu_shown .*port=4011", Duration.ofSeconds(60));
    proxy.waitFor("EVENT " + MAC + " pxe_menu_choice .*file=" + Pattern.quote(MAC + "/ipxe.efi"), Duration.ofSeconds(30));
    vm.waitForSerial("iPXE", Duration.ofSeconds(60));
    vm.waitForSerial(Pattern.quote(URL), Duration.ofSeconds(40));
    proxy.waitFor("EVENT " + MAC + " point_ipxe_to_http_boot ", Duration.ofSeconds(10));

    capture.stop();
    assertThat(capture.packets("udp", "dst", "port", "69"))
        .anyMatch(l -> l.contains("RRQ \"" + MAC + "/ipxe.efi\""));
    // the proxy offer at 67 carried no option 43 (EDK2 drops such offers in some builds)
    assertThat(proxy.output()).contains("EVENT " + MAC + " point_pxe_to_ipxe_over_tftp").contains("next=boot server 4011");
  }
}
