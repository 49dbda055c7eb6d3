package dev.bootline.dhcp4;

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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BIOS menu path of {@link ProxyBiosLabIT} on an Intel e1000 NIC (QEMU's pxe-e1000.rom, 82540em driver) and
 * entirely against {@code bootline serve}: beside the site's DHCP server, bootline's proxy shows the menu, the first
 * item boots undionly.kpxe from bootline's own TFTP, the chainloaded iPXE is told the HTTP URL (not the menu again)
 * and runs the per-MAC script from bootline's HTTP server.
 */
@LabTest({Requirement.QEMU, Requirement.IPXE_ROMS, Requirement.IPXE_BINARIES, Requirement.DNSMASQ,
    Requirement.BOOTLINE_JAR})
class ProxyBiosE1000LabIT {
  static final String MAC = Qemu.DEFAULT_MAC;
  static final String URL = "http://192.0.2.1/mac/" + MAC + "/boot.ipxe";

  @Test
  void e1000RomShowsTheMenuBootsUndionlyFromBootlineTftpAndRunsTheHttpScript(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("192.0.2.1/24");
    ProxyLabs.siteDhcpServer(lab, srv, "br0");
    Path netboot = lab.dir().resolve("netboot");
    Files.createDirectories(netboot.resolve(MAC));
    Files.writeString(netboot.resolve(MAC).resolve("boot.ipxe"), "#!ipxe\necho bootline-lab: iPXE script reached\npoweroff\n");
    Path state = lab.dir().resolve("state");
    Path config = lab.dir().resolve("bootline.yaml");
    Files.writeString(config, """
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
    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "--config", config.toString(),
        "-netboot-dir", netboot.toString(), "--state-dir", state.toString());
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));

    Qemu vm = lab.seabios(srv, "tap0").nic("e1000").mac(MAC).start();
    vm.waitForSerial("bootline lab menu", Duration.ofSeconds(60));
    vm.waitForSerial("undionly\\.kpxe : \\d+ bytes", Duration.ofSeconds(40));
    vm.waitForSerial("bootline-lab: iPXE script reached", Duration.ofSeconds(60));
    vm.close();
    bootline.close(); // releases the journal's lock

    String serial = vm.serialText();
    assertThat(serial).contains("net0: " + MAC + " using 82540em"); // the e1000 ROM's own driver did the menu
    assertThat(serial).contains("Filename: " + MAC + "/undionly.kpxe");
    String afterChain = serial.substring(serial.indexOf("undionly.kpxe : "));
    assertThat(afterChain).as("the chainloaded iPXE does not get the menu again").doesNotContain("bootline lab menu");
    assertThat(afterChain).contains("using undionly on").contains("Filename: " + URL);
    assertThat(Files.readString(lab.dir().resolve("site-dhcp.leases"))).contains(MAC);

    try (EventLog log = EventLog.open(state)) {
      List<BootEvent> timeline = log.timeline(MAC);
      assertThat(timeline.stream().map(BootEvent::name).toList()).containsSubsequence(
          "pxe_menu_shown", "pxe_menu_choice", "serve_ipxe_over_tftp", "point_ipxe_to_http_boot", "http_fetch");
      BootEvent choice = timeline.stream().filter(e -> e.name().equals("pxe_menu_choice")).findFirst().orElseThrow();
      assertThat(choice.detail()).containsEntry("file", MAC + "/undionly.kpxe");
      BootEvent pointed = timeline.stream().filter(e -> e.name().equals("point_ipxe_to_http_boot")).findFirst().orElseThrow();
      assertThat(pointed.detail().get("url")).isEqualTo(URL);
      BootEvent fetched = timeline.stream().filter(e -> e.name().equals("http_fetch")).reduce((a, b) -> b).orElseThrow();
      assertThat(fetched.detail()).containsEntry("file", "mac/boot.ipxe").containsEntry("state", "complete");
    }
  }
}
