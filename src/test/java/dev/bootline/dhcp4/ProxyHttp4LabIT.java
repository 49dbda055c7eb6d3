package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.events.BootEvent;
import dev.bootline.events.EventLog;
import dev.bootline.lab.Capture;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Logs;
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
 * Real UEFI HTTP boot over IPv4 through bootline's proxy: OVMF's own HttpBootDxe ({@code romfile=}, both PXE boot
 * options off so HTTPv4 goes first) gets its address from the site's DHCP server (dnsmasq, addresses only, in its own
 * namespace) and its URL from {@code bootline serve}'s proxy offer (yiaddr 0, option 60 {@code HTTPClient}, file =
 * URL), fetches {@code <mac>/boot.efi} from bootline's HTTP server (HEAD, then GET) and runs it (iPXE).
 */
@LabTest({Requirement.QEMU, Requirement.OVMF, Requirement.IPXE_BINARIES, Requirement.DNSMASQ, Requirement.TCPDUMP,
    Requirement.BOOTLINE_JAR})
class ProxyHttp4LabIT {
  static final String MAC = Qemu.DEFAULT_MAC;
  static final String URL = "http://192.0.2.1/mac/" + MAC + "/boot.efi";

  @Test
  void httpBootV4GetsTheAddressFromTheSiteServerAndTheUrlFromTheProxy(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("192.0.2.1/24");
    ProxyLabs.siteDhcpServer(lab, srv, "br0");
    Path netboot = lab.dir().resolve("netboot");
    Files.createDirectories(netboot.resolve(MAC));
    Files.copy(Path.of("/usr/lib/ipxe/ipxe.efi"), netboot.resolve(MAC).resolve("boot.efi"));
    Capture capture = lab.capture(srv, "tap0", "tap0");
    Path state = lab.dir().resolve("state");
    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "-interface", "br0",
        "-netboot-dir", netboot.toString(), "--state-dir", state.toString(),
        "-http-boot-url-template", "http://192.0.2.1/mac/{{.MAC}}/boot.efi");
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));

    Qemu vm = lab.ovmf(srv, "tap0").nic("virtio-net-pci").mac(MAC).romfile("")
        .fwCfg("opt/org.tianocore/IPv4PXESupport", "n").fwCfg("opt/org.tianocore/IPv6PXESupport", "n").start();
    vm.waitForSerial("Start HTTP Boot over IPv4", Duration.ofSeconds(60));
    vm.waitForSerial("URI: " + Pattern.quote(URL), Duration.ofSeconds(40));
    vm.waitForSerial("iPXE initialising devices", Duration.ofSeconds(60));
    vm.close();
    capture.stop();
    bootline.close(); // releases the journal's lock

    String serial = vm.serialText();
    assertThat(serial).containsPattern("Station IP address is 192\\.0\\.2\\.1\\d\\d"); // from the site server's range
    assertThat(Files.readString(lab.dir().resolve("site-dhcp.leases"))).contains(MAC);
    // bootline's proxy offer: from 192.0.2.1, no address, vendor class HTTPClient, the URL as the boot file
    List<String> offers = capture.packets("-v", "udp", "src", "port", "67", "and", "src", "host", "192.0.2.1");
    assertThat(String.join("\n", offers)).contains("HTTPClient").contains("file \"" + URL + "\"");
    List<String> http = capture.packets("-A", "tcp", "dst", "port", "80");
    String request = "/mac/" + MAC + "/boot.efi HTTP/1.1";
    int head = Logs.indexOf(http, "HEAD " + request);
    int get = Logs.indexOf(http, "GET " + request);
    assertThat(head).as("HEAD before GET: %s", http).isNotNegative();
    assertThat(get).as("GET after HEAD: %s", http).isGreaterThan(head);

    try (EventLog log = EventLog.open(state)) {
      List<BootEvent> timeline = log.timeline(MAC);
      BootEvent pointed = timeline.stream().filter(e -> e.name().equals("http_boot")).findFirst().orElseThrow();
      assertThat(pointed.detail().get("url")).isEqualTo(URL);
      BootEvent fetched = timeline.stream().filter(e -> e.name().equals("http_fetch")).reduce((a, b) -> b).orElseThrow();
      assertThat(fetched.detail()).containsEntry("file", "mac/boot.efi").containsEntry("state", "complete");
      assertThat(((Number) fetched.detail().get("bytes_total")).longValue())
          .isEqualTo(Files.size(netboot.resolve(MAC).resolve("boot.efi")));
    }
  }

}
