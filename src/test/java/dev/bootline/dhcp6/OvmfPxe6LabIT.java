package dev.bootline.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.events.BootEvent;
import dev.bootline.events.EventLog;
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
import org.junit.jupiter.api.Test;

/**
 * Real UEFI firmware over IPv6 only: OVMF's own PXEv6 driver ({@code romfile=}, PXEv4 off) asks bootline's DHCPv6
 * for a boot file, downloads iPXE from bootline's TFTP at {@code tftp://[server]/<mac>/ipxe.efi}, iPXE solicits again
 * with user class iPXE, is pointed at the HTTP URL from the template, and fetches the per-MAC script from bootline's
 * HTTP server. The journal must show the steps in order.
 */
@LabTest({Requirement.QEMU, Requirement.OVMF, Requirement.IPXE_BINARIES, Requirement.RADVD, Requirement.BOOTLINE_JAR})
class OvmfPxe6LabIT {
  static final String MAC = "52:54:00:12:34:56";

  @Test
  void pxe6ChainsToIpxeOverTftpThenHttp(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("2001:db8:1::1/64");
    Path netboot = lab.dir().resolve("netboot");
    Files.createDirectories(netboot.resolve(MAC));
    Files.writeString(netboot.resolve(MAC).resolve("boot.ipxe"), "#!ipxe\necho bootline-lab: iPXE script reached\npoweroff\n");
    Path state = lab.dir().resolve("state");
    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "-interface", "br0",
        "-base-address", "2001:db8:1::", "-netboot-dir", netboot.toString(), "--state-dir", state.toString(),
        "-http-boot-url-template", "http://[2001:db8:1::1]/mac/{{.MAC}}/boot.ipxe");
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));
    lab.radvdManaged(srv, "br0", "2001:db8:1::/64");

    Qemu vm = lab.ovmf(srv, "tap0").nic("virtio-net-pci").mac(MAC).romfile("")
        .fwCfg("opt/org.tianocore/IPv4PXESupport", "n").start();
    bootline.waitFor("DHCPv6 REQUEST " + MAC + " on br0 \\(duid\\).*chain to iPXE over TFTP", Duration.ofSeconds(120));
    vm.waitForSerial("bootline-lab: iPXE script reached", Duration.ofSeconds(150));
    vm.close();
    bootline.close(); // releases the journal's lock; it was written before any subscriber could see it

    try (EventLog log = EventLog.open(state)) {
      List<String> names = log.timeline(MAC).stream().map(BootEvent::name).toList();
      assertThat(names).containsSubsequence(
          "point_pxe_to_ipxe_over_tftp", "serve_ipxe_over_tftp", "point_ipxe_to_http_boot", "http_fetch");
      BootEvent pointed = log.timeline(MAC).stream().filter(e -> e.name().equals("point_pxe_to_ipxe_over_tftp")).findFirst().orElseThrow();
      assertThat(pointed.ip()).isEqualTo("2001:db8:1::5254:12:3456");
      assertThat(pointed.detail().get("url")).isEqualTo("tftp://[2001:db8:1::1]/" + MAC + "/ipxe.efi");
      BootEvent fetched = log.timeline(MAC).stream().filter(e -> e.name().equals("http_fetch")).reduce((a, b) -> b).orElseThrow();
      assertThat(fetched.detail()).containsEntry("file", "mac/boot.ipxe").containsEntry("state", "complete");
    }
  }
}
