package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.dhcp4.ProxyLabMain;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Qemu;
import dev.bootline.lab.Requirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bootline export} against the real daemons: for each of isc-dhcpd, kea-dhcp4 and dnsmasq, the daemon runs the
 * exported config (plus the subnet and pool lines a user already has) and is the only DHCP server a SeaBIOS + iPXE ROM
 * machine hears; bootline runs on another subnet, reached through a router, as the menu's PXE boot server (UDP 4011)
 * with TFTP beside it, so no broadcast can reach bootline's own port 67. A fourth machine boots through bootline's
 * proxy (the reference). Each machine shows its menu (F8 on the prompt draws the items), takes the default item
 * (Enter), fetches undionly.kpxe over TFTP, and the chainloaded iPXE is given the HTTP-boot URL, not the menu again.
 * The menu text on each serial console must equal the reference's. The four machines boot at once.
 */
@LabTest({Requirement.QEMU, Requirement.IPXE_ROMS, Requirement.IPXE_BINARIES, Requirement.DNSMASQ, Requirement.ISC_DHCPD,
    Requirement.KEA_DHCP4})
class ExportLabIT {
  static final String MAC = Qemu.DEFAULT_MAC;
  static final String PROMPT = "bootline export lab menu";
  static final List<String> LABELS = List.of("Network boot (iPXE)", "Boot from local disk", "Rescue shell");
  static final String BOOTLINE = "198.51.100.1";

  static String yaml(String iface, String host) {
    return """
        interfaces: [%s]
        boot:
          http-boot-url-template: "http://%s/mac/{{.MAC}}/boot.ipxe"
        proxy-dhcp:
          menu:
            prompt: "%s"
            timeout: 10
            items:
              - {label: "%s", boot: ipxe}
              - {label: "%s", boot: local}
              - {label: "%s", boot: {file: rescue/pxelinux.0}}
        """.formatted(iface, host, PROMPT, LABELS.get(0), LABELS.get(1), LABELS.get(2));
  }

  /** One machine's run: what its serial console showed and the logs that explain it. */
  record Run(String lane, String serial, LabProcess bootline, String export) {}

  @Test
  void eachDaemonWithTheExportShowsTheProxysMenuAndBootsTheDefaultItemOverTftp(Lab lab) throws Exception {
    String dhcpd = "/usr/sbin/dhcpd";
    String kea = "/usr/sbin/kea-dhcp4";

    Path yamlForExport = Files.writeString(lab.dir().resolve("export-bootline.yaml"), yaml("eth0", BOOTLINE));
    Map<String, String> exports = new LinkedHashMap<>();
    for (String format : List.of("isc-dhcpd", "kea", "dnsmasq")) {
      Cli r = Cli.run("export", "--format", format, "--config", yamlForExport.toString(), "--server-address", BOOTLINE);
      assertThat(r.exitCode()).as(r.err()).isZero();
      Files.writeString(lab.dir().resolve("export." + format), r.out());
      exports.put(format, r.out());
    }

    // own threads: the common pool has one worker on a 2-core machine, and each run mostly waits on a serial console
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Run> done = new ArrayList<>();
    try {
      List<CompletableFuture<Run>> runs = new ArrayList<>();
      runs.add(CompletableFuture.supplyAsync(() -> referenceRun(lab), pool));
      for (var e : exports.entrySet()) {
        String format = e.getKey();
        Lane lane = router(lab, format);
        Netns srv = lane.srv();
        LabProcess bootServer = bootServer(lab, lane.boot(), format);
        switch (format) {
          case "isc-dhcpd" -> isc(lab, srv, dhcpd, e.getValue());
          case "kea" -> kea(lab, srv, kea, e.getValue());
          default -> dnsmasqDhcp(lab, srv, e.getValue());
        }
        runs.add(CompletableFuture.supplyAsync(() -> new Run(format, boot(lab, srv, format), bootServer, e.getValue()), pool));
      }
      for (CompletableFuture<Run> f : runs) {
        try {
          done.add(f.join());
        } catch (CompletionException ex) {
          throw ex.getCause() instanceof AssertionError a ? a : new AssertionError(ex.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Run reference = done.getFirst();
    String referenceMenu = menuSection(reference.serial());
    assertThat(referenceMenu).contains(PROMPT);
    LABELS.forEach(l -> assertThat(referenceMenu).contains(l));
    assertThat(events(reference.bootline())).anyMatch(l -> l.contains(" pxe_menu_shown ") && l.contains("port=67"));

    for (Run run : done.subList(1, done.size())) {
      String serial = run.serial();
      assertThat(menuSection(serial)).as(run.lane() + ": the menu as on the proxy's machine").isEqualTo(referenceMenu);
      assertThat(serial).as(run.lane())
          .containsPattern("PXEBS \\(net0 type 128\\)\\.+ ok") // one dot per wait: more under load
          .contains("Next server: " + BOOTLINE)
          .contains("Filename: " + MAC + "/undionly.kpxe");
      String afterChain = serial.substring(serial.indexOf("undionly.kpxe : "));
      assertThat(afterChain).as(run.lane() + ": the chainloaded iPXE does not get the menu again").doesNotContain(PROMPT);
      // isc-dhcpd renders the client's MAC into the URL; Kea and dnsmasq cannot, and their exports say so
      String url = run.lane().equals("isc-dhcpd")
          ? "http://" + BOOTLINE + "/mac/" + MAC + "/boot.ipxe"
          : "http://" + BOOTLINE + "/mac/" + ExportCommand.MAC_MARK + "/boot.ipxe";
      assertThat(afterChain).as(run.lane()).contains("Filename: " + url);
      if (!run.lane().equals("isc-dhcpd")) {
        assertThat(run.export()).containsPattern("limit: .*placeholder MAC " + Pattern.quote(ExportCommand.MAC_MARK));
      }
      List<String> events = events(run.bootline());
      assertThat(events).as(run.lane() + ": bootline answered only the menu choice, never port 67")
          .noneMatch(l -> l.contains("port=67"))
          .anyMatch(l -> l.contains(" pxe_menu_choice ") && l.contains("port=4011")
              && l.contains("label=" + LABELS.getFirst()) && l.contains("file=" + MAC + "/undionly.kpxe"));
      assertThat(Files.readString(lab.dir().resolve("tftp-" + run.lane() + ".dnsmasq.log")))
          .as(run.lane() + ": the TFTP fetch").containsPattern("sent .*" + Pattern.quote(MAC) + "/undionly.kpxe");
    }
    assertThat(Files.readString(lab.dir().resolve("isc-dhcpd.leases"))).contains(MAC);
    assertThat(Files.readString(lab.dir().resolve("kea-leases4.csv"))).contains(MAC);
    assertThat(Files.readString(lab.dir().resolve("dnsmasq-dhcp.leases"))).contains(MAC);
  }

  /** The iPXE menu as drawn on the serial console: from "Booting from PXE menu" to the boot server request, countdown removed. */
  static String menuSection(String serial) {
    int start = serial.indexOf("Booting from PXE menu");
    int end = serial.indexOf("PXEBS", start);
    assertThat(start).as("no PXE menu in:\n" + serial).isNotNegative();
    assertThat(end).as("no boot server request after the menu in:\n" + serial).isPositive();
    return serial.substring(start, end).replaceAll("\\(\\d+\\)", "").replaceAll("\\s+", " ").strip();
  }

  private static List<String> events(LabProcess p) {
    return p.output().lines().filter(l -> l.startsWith("EVENT ")).toList();
  }

  /** Boots a SeaBIOS machine on {@code tap0} of {@code ns}: F8 at the prompt, Enter on the default item; returns its serial text. */
  static String boot(Lab lab, Netns ns, String lane) {
    Qemu vm = lab.seabios(ns, "tap0").name("qemu-" + lane).memoryMb(256).mac(MAC).start();
    vm.waitForSerial(Pattern.quote(PROMPT), Duration.ofSeconds(150));
    vm.monitor("sendkey f8");
    vm.waitForSerial(Pattern.quote(LABELS.getLast()), Duration.ofSeconds(30));
    vm.monitor("sendkey ret");
    vm.waitForSerial("undionly\\.kpxe : \\d+ bytes", Duration.ofSeconds(90));
    vm.waitForSerial("undionly\\.kpxe : [\\s\\S]*Filename: http://\\S+\n", Duration.ofSeconds(90)); // the whole line
    return vm.serialText();
  }

  // ---- the reference: bootline's own proxy on the machine's link, beside an addresses-only site server

  private static Run referenceRun(Lab lab) {
    Netns srv = bridgeWithTap(lab, "ref");
    Netns site = lab.namespace("refdhcp");
    lab.veth(srv, "vdhcp", site, "eth0");
    lab.attachToBridge(srv, "vdhcp", "br0");
    lab.address(site, "eth0", "192.0.2.2/24");
    dnsmasq(lab, site, "ref-site-dhcp", """
        interface=eth0
        bind-interfaces
        dhcp-range=192.0.2.100,192.0.2.199,255.255.255.0,10m
        dhcp-option=option:router,192.0.2.1
        dhcp-authoritative
        """);
    tftp(lab, srv, "br0", "ref");
    LabProcess proxy = bootline(lab, srv, "ref", yaml("br0", "192.0.2.1"));
    return new Run("proxy", boot(lab, srv, "ref"), proxy, "");
  }

  // ---- a daemon lane: the machine's link with the daemon, a router, bootline one subnet away

  private static Netns bridgeWithTap(Lab lab, String label) {
    Netns srv = lab.namespace(label);
    lab.bridge(srv, "br0");
    lab.address(srv, "br0", "192.0.2.1/24");
    lab.tap(srv, "tap0", "br0");
    // a tap has no carrier until QEMU opens it; Kea will not listen on a bridge that is not RUNNING, so give br0 a
    // second port that is up from the start
    lab.ip(srv, "link", "add", "vcarrier0", "type", "veth", "peer", "name", "vcarrier1");
    lab.attachToBridge(srv, "vcarrier0", "br0");
    lab.up(srv, "br0", "tap0", "vcarrier0", "vcarrier1");
    return srv;
  }

  /** A daemon lane: the machine's link (br0 192.0.2.1, tap0) in {@code srv}, routing to bootline (198.51.100.1) in {@code boot}. */
  record Lane(Netns srv, Netns boot) {}

  private static Lane router(Lab lab, String lane) {
    String label = lane.replace("-", "");
    Netns srv = bridgeWithTap(lab, label);
    Netns boot = lab.namespace(label + "boot");
    lab.veth(srv, "vboot", boot, "eth0");
    lab.address(srv, "vboot", "198.51.100.254/24");
    lab.address(boot, "eth0", BOOTLINE + "/24");
    lab.exec(srv, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    lab.ip(boot, "route", "add", "default", "via", "198.51.100.254");
    return new Lane(srv, boot);
  }

  private static LabProcess bootServer(Lab lab, Netns boot, String lane) {
    tftp(lab, boot, "eth0", lane);
    return bootline(lab, boot, lane, yaml("eth0", BOOTLINE));
  }

  private static void isc(Lab lab, Netns ns, String dhcpd, String export) {
    Path dir = lab.dir();
    try {
      Path conf = Files.writeString(dir.resolve("isc-dhcpd.conf"), "authoritative;\ndefault-lease-time 600;\n"
          + "max-lease-time 600;\n\n" + export
          + "\nsubnet 192.0.2.0 netmask 255.255.255.0 {\n  range 192.0.2.100 192.0.2.199;\n  option routers 192.0.2.1;\n}\n");
      Path leases = Files.writeString(dir.resolve("isc-dhcpd.leases"), "");
      LabProcess p = lab.start(ns, "isc-dhcpd", List.of(dhcpd, "-d", "-4", "-cf", conf.toString(), "-lf",
          leases.toString(), "-pf", dir.resolve("isc-dhcpd.pid").toString(), "br0"));
      p.waitFor("Server starting service", Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void kea(Lab lab, Netns ns, String kea, String export) {
    Path dir = lab.dir();
    String anchor = "\"interfaces-config\": { \"interfaces\": [ ] },";
    assertThat(export).contains(anchor);
    String site = "\"interfaces-config\": { \"interfaces\": [ \"br0\" ] },\n"
        + "    \"lease-database\": { \"type\": \"memfile\", \"persist\": true, \"name\": \"" + dir.resolve("kea-leases4.csv") + "\" },\n"
        + "    \"subnet4\": [ { \"id\": 1, \"subnet\": \"192.0.2.0/24\", \"pools\": [ { \"pool\": \"192.0.2.100 - 192.0.2.199\" } ],\n"
        + "      \"option-data\": [ { \"name\": \"routers\", \"data\": \"192.0.2.1\" } ] } ],\n"
        + "    \"loggers\": [ { \"name\": \"kea-dhcp4\", \"severity\": \"INFO\", \"output_options\": [ { \"output\": \"stdout\" } ] } ],";
    try {
      Path conf = Files.writeString(dir.resolve("kea-dhcp4.conf"), export.replace(anchor, site));
      Path run = Files.createDirectories(dir.resolve("kea-run"));
      LabProcess p = lab.start(ns, "kea-dhcp4", List.of("env", "KEA_LOCKFILE_DIR=" + run, "KEA_PIDFILE_DIR=" + run,
          kea, "-c", conf.toString()));
      p.waitFor("DHCP4_STARTED", Duration.ofSeconds(30));
      assertThat(p.output()).as("kea listens on br0").doesNotContain("DHCPSRV_NO_SOCKETS_OPEN");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void dnsmasqDhcp(Lab lab, Netns ns, String export) {
    dnsmasq(lab, ns, "dnsmasq-dhcp", export + """

        interface=br0
        bind-interfaces
        dhcp-range=192.0.2.100,192.0.2.199,255.255.255.0,10m
        dhcp-option=option:router,192.0.2.1
        dhcp-authoritative
        """);
  }

  // ---- bootline and TFTP

  private static LabProcess bootline(Lab lab, Netns ns, String lane, String yaml) {
    try {
      Path config = Files.writeString(lab.dir().resolve("bootline-" + lane + ".yaml"), yaml);
      LabProcess p = lab.startJava(ns, "bootline-" + lane, ProxyLabMain.class, config.toString());
      p.waitFor("ready on", Duration.ofSeconds(60));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** dnsmasq as TFTP server only (port=0: no DNS; no dhcp-range: no DHCP), serving undionly.kpxe as bootline names it. */
  private static void tftp(Lab lab, Netns ns, String iface, String lane) {
    try {
      Path root = lab.dir().resolve("tftp-root-" + lane);
      Files.createDirectories(root.resolve(MAC));
      Files.copy(Path.of("/usr/lib/ipxe/undionly.kpxe"), root.resolve(MAC).resolve("undionly.kpxe"));
      dnsmasq(lab, ns, "tftp-" + lane, "interface=" + iface + "\nbind-interfaces\nenable-tftp\ntftp-root=" + root + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** dnsmasq in the foreground with its own conf, lease, pid and log files; no DNS (as dhcp4/ProxyLabs does). */
  private static LabProcess dnsmasq(Lab lab, Netns ns, String name, String conf) {
    try {
      Path dir = lab.dir();
      Path confFile = Files.writeString(dir.resolve(name + ".conf"), conf);
      LabProcess p = lab.start(ns, name, List.of("dnsmasq", "--keep-in-foreground", "--conf-file=" + confFile,
          "--user=root", "--group=root", "--port=0", "--no-resolv", "--no-hosts",
          "--pid-file=" + dir.resolve(name + ".pid"), "--dhcp-leasefile=" + dir.resolve(name + ".leases"),
          "--log-facility=" + dir.resolve(name + ".dnsmasq.log"), "--log-dhcp"));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Files.exists(dir.resolve(name + ".pid"))) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(name + " did not start: " + p.output());
        }
        Thread.sleep(50);
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
