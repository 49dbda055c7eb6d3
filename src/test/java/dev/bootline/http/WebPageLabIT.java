package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.events.BootEvent;
import dev.bootline.events.EventLog;
import dev.bootline.events.EventNames;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Qemu;
import dev.bootline.lab.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator page watching a real boot: bootline serves OVMF's PXEv6 → iPXE over TFTP → HTTP chain in a lab
 * namespace (as {@code dhcp6/OvmfPxe6LabIT}), its admin plane on that namespace's loopback, and a headless Chromium
 * inside the same namespace ({@link WebPageLabDriverMain}) has the page open before the VM powers on. Without a
 * reload the machine's row must appear with its MAC, its MAC-derived address, its arch and its current stage, and
 * its timeline must list the boot's steps in the order the journal recorded them. Screenshots are kept under
 * target/web-screenshots/ (ovmf-*.png) and target/lab/.
 */
@LabTest({Requirement.QEMU, Requirement.OVMF, Requirement.IPXE_BINARIES, Requirement.RADVD, Requirement.CHROMIUM,
    Requirement.BOOTLINE_JAR})
class WebPageLabIT {
  static final String MAC = "52:54:00:12:34:56";
  static final String ADDRESS = "2001:db8:1::5254:12:3456";
  static final String ADMIN = "127.0.0.1:6315";

  @Test
  void anOvmfBootAppearsOnTheOpenPageWithItsStagesInOrder(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("2001:db8:1::1/64");
    Path netboot = lab.dir().resolve("netboot");
    Files.createDirectories(netboot.resolve(MAC));
    Files.writeString(netboot.resolve(MAC).resolve("boot.ipxe"), "#!ipxe\necho bootline-lab: iPXE script reached\npoweroff\n");
    Path state = lab.dir().resolve("state");
    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "-interface", "br0",
        "-base-address", "2001:db8:1::", "-netboot-dir", netboot.toString(), "--state-dir", state.toString(),
        "-http-boot-url-template", "http://[2001:db8:1::1]/mac/{{.MAC}}/boot.ipxe", "--admin-listen", ADMIN);
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));
    lab.radvdManaged(srv, "br0", "2001:db8:1::/64");

    Path out = lab.dir().resolve("browser");
    String row = "document.querySelector('tr.machine[data-mac=\"" + MAC + "\"]')";
    String timeline = "document.getElementById('timeline')";
    LabProcess browser = lab.startJava(srv, "browser", WebPageLabDriverMain.class, "http://" + ADMIN + "/", out.toString(),
        // the page is open and empty before the VM exists; the mark would vanish with a reload
        "before=document.body.dataset.snapshot === '1' && !document.querySelector('tr.machine')"
            + " && (window.bootlineLabMark = 'loaded-before-boot')",
        // OVMF reached iPXE, iPXE was pointed at HTTP and fetched its script: the row's stage says so
        "row=window.bootlineLabMark === 'loaded-before-boot' && " + row + " && " + row
            + ".dataset.stage === 'point_ipxe_to_http_boot'",
        // the per-machine view (a hash change, no reload), once the script fetch is in it
        "timeline=window.bootlineLabMark === 'loaded-before-boot'"
            + " && (location.hash === '#mac=" + MAC + "' || (location.hash = 'mac=" + MAC + "'))"
            + " && " + timeline + ".dataset.loaded === '" + MAC + "'"
            + " && [...document.querySelectorAll('#timeline-events tr')].some(r => r.dataset.event === 'http_fetch'"
            + " && r.textContent.includes('complete'))");
    browser.waitFor("STEP before|FAILED.*", Duration.ofSeconds(120));
    assertThat(browser.output()).doesNotContain("FAILED");

    Instant powerOn = Instant.now();
    Qemu vm = lab.ovmf(srv, "tap0").nic("virtio-net-pci").mac(MAC).romfile("")
        .fwCfg("opt/org.tianocore/IPv4PXESupport", "n").start();
    vm.waitForSerial("bootline-lab: iPXE script reached", Duration.ofSeconds(240));
    browser.waitFor("DONE|FAILED.*", Duration.ofSeconds(120));
    System.out.printf("WebPageLabIT: power-on to the script on the page %d s%n",
        Duration.between(powerOn, Instant.now()).toSeconds());
    assertThat(browser.output()).as("browser driver").contains("STEP row", "STEP timeline").doesNotContain("FAILED");
    vm.close();
    bootline.close(); // releases the journal for the cross-check below

    Path shots = Path.of("target", "web-screenshots");
    Files.createDirectories(shots);
    for (String step : List.of("before", "row", "timeline")) {
      Files.copy(out.resolve(step + ".png"), shots.resolve("ovmf-" + step + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    assertThat(WebPageChromiumTest.rows(Files.readString(out.resolve("before.html")), "machine")).isEmpty();
    String dom = Files.readString(out.resolve("row.html"));
    WebPageChromiumTest.Row machine = WebPageChromiumTest.row(dom, MAC);
    assertThat(machine.attr("data-stage")).isEqualTo("point_ipxe_to_http_boot");
    assertThat(machine.text()).contains(MAC).contains(ADDRESS).contains("x64 UEFI").contains("point_ipxe_to_http_boot");
    assertThat(machine.classes()).doesNotContain("stuck");

    // after the HTTP fetch (whose event carries the client's source address) the row still shows the DHCPv6 address
    WebPageChromiumTest.Row later = WebPageChromiumTest.row(Files.readString(out.resolve("timeline.html")), MAC);
    assertThat(later.attr("data-stage")).isEqualTo("point_ipxe_to_http_boot");
    assertThat(later.text()).contains(ADDRESS).doesNotContain("[");
    List<String> shown = WebPageChromiumTest.rows(Files.readString(out.resolve("timeline.html")), "event").stream()
        .map(r -> r.attr("data-event")).toList();
    assertThat(shown).containsSubsequence(
        "point_pxe_to_ipxe_over_tftp", "serve_ipxe_over_tftp", "point_ipxe_to_http_boot", "http_fetch");
    try (EventLog log = EventLog.open(state)) {
      List<String> journal = log.timeline(MAC).stream().map(BootEvent::name).toList();
      // the page shows the journal's steps in the journal's order (it may have been opened before the last ones)
      assertThat(journal).startsWith(shown.toArray(String[]::new));
      // The chain's stages in the order the machine reached them. (Around PXE, OVMF's IPv6 stack also runs a DHCPv6
      // exchange without PXE's vendor class, which bootline journals as os_init; where it lands varies run to run.)
      assertThat(shown.stream().filter(EventNames.STAGES::contains).toList())
          .as("stages in the order the machine reached them")
          .containsSubsequence("point_pxe_to_ipxe_over_tftp", "serve_ipxe_over_tftp", "point_ipxe_to_http_boot")
          .endsWith("point_ipxe_to_http_boot");
      List<String> times = WebPageChromiumTest.rows(Files.readString(out.resolve("timeline.html")), "event").stream()
          .map(r -> r.text().split(" ")[0]).toList();
      assertThat(times).as("timeline rows oldest first").isSortedAccordingTo(
          java.util.Comparator.comparing(Instant::parse));
    }
  }
}
