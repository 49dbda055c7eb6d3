package dev.bootline.dhcp6;

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
 * Real UEFI HTTP boot over IPv6: OVMF's own HttpBootDxe ({@code romfile=}, IPv4 PXE and HTTP off) solicits bootline's
 * DHCPv6 with vendor class 343 {@code HTTPClient}, gets vendor class {@code HTTPClient} back and option 59 = the
 * template URL, downloads {@code <mac>/boot.efi} from bootline's HTTP server (HEAD, then GET) and runs it (iPXE).
 *
 * <p>OVMF 2022.11's HTTPv6 attempt on its own sends no Solicit (HttpBootDxe starts DHCPv6 before link-local DAD is
 * done; fixed upstream in edk2 11f1d28b). As in the shared lab ("S6 OVMF HTTPv6 Kea, PXEv6 fails first"), the PXEv6
 * boot option runs first and must fail fast: bootline's x86-64 "iPXE binary" is configured to a file that is not an
 * EFI image, so PXEv6 downloads it over TFTP, LoadImage refuses it, and the boot manager moves on to HTTPv6.
 */
@LabTest({Requirement.QEMU, Requirement.OVMF, Requirement.IPXE_BINARIES, Requirement.TCPDUMP, Requirement.BOOTLINE_JAR})
class OvmfHttp6LabIT {
  static final String MAC = Qemu.DEFAULT_MAC;
  static final String URL = "http://[2001:db8:1::1]/mac/" + MAC + "/boot.efi";

  @Test
  void httpBootV6GetsTheTemplateUrlAndRunsTheFetchedEfiBinary(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("2001:db8:1::1/64");
    Path netboot = lab.dir().resolve("netboot");
    Files.createDirectories(netboot.resolve(MAC));
    Files.copy(Path.of("/usr/lib/ipxe/ipxe.efi"), netboot.resolve(MAC).resolve("boot.efi"));
    Path notEfi = lab.dir().resolve("not-an-efi-image.efi");
    Files.writeString(notEfi, "bootline lab: PXEv6 must fail here so that OVMF 2022.11 tries HTTPv6 next\n");
    Capture capture = lab.capture(srv, "tap0", "tap0");
    Path state = lab.dir().resolve("state");
    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "-interface", "br0",
        "-base-address", "2001:db8:1::", "-netboot-dir", netboot.toString(), "--state-dir", state.toString(),
        "-ipxe-x86-64-efi", notEfi.toString(),
        "-http-boot-url-template", "http://{{.ServerAddress}}/mac/{{.MAC}}/boot.efi");
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));

    Qemu vm = lab.ovmf(srv, "tap0").nic("virtio-net-pci").mac(MAC).romfile("")
        .fwCfg("opt/org.tianocore/IPv4PXESupport", "n").fwCfg("opt/org.tianocore/IPv4Support", "n").start();
    vm.waitForSerial("Start HTTP Boot over IPv6", Duration.ofSeconds(90));
    vm.waitForSerial("URI: " + Pattern.quote(URL), Duration.ofSeconds(40));
    vm.waitForSerial("iPXE initialising devices", Duration.ofSeconds(60));
    vm.close();
    capture.stop();
    bootline.close(); // releases the journal's lock

    String serial = vm.serialText();
    // the PXEv6 attempt got bootline's TFTP URL and failed on the non-EFI file, before HTTPv6 started
    assertThat(serial.substring(0, serial.indexOf("Start HTTP Boot over IPv6")))
        .contains("NBP filename is " + MAC + "/not-an-efi-image.efi")
        .contains("failed to load Boot");
    List<String> http = capture.packets("-A", "tcp", "dst", "port", "80");
    String request = "/mac/" + MAC + "/boot.efi HTTP/1.1";
    int head = Logs.indexOf(http, "HEAD " + request);
    int get = Logs.indexOf(http, "GET " + request);
    assertThat(head).as("HEAD before GET: %s", http).isNotNegative();
    assertThat(get).as("GET after HEAD: %s", http).isGreaterThan(head);

    try (EventLog log = EventLog.open(state)) {
      List<BootEvent> timeline = log.timeline(MAC);
      BootEvent pointed = timeline.stream().filter(e -> e.name().equals("http_boot")).findFirst().orElseThrow();
      assertThat(pointed.ip()).isEqualTo("2001:db8:1::5254:12:3456");
      assertThat(pointed.detail().get("url")).isEqualTo(URL);
      BootEvent fetched = timeline.stream().filter(e -> e.name().equals("http_fetch")).reduce((a, b) -> b).orElseThrow();
      assertThat(fetched.detail()).containsEntry("file", "mac/boot.efi").containsEntry("state", "complete");
      assertThat(((Number) fetched.detail().get("bytes_total")).longValue())
          .isEqualTo(Files.size(netboot.resolve(MAC).resolve("boot.efi")));
    }
  }

}
