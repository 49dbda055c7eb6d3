package dev.bootline.robust;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Flood: while {@link FloodSender} (own namespace, one thread, as fast as it can) sends valid-but-hostile DHCPv6
 * Solicits and Requests and PXE DISCOVERs from 10^5 distinct MACs plus random garbage to 67/547/69/4011, a real ISC
 * {@code dhclient -6} must get its MAC-derived address and real OVMF firmware must PXE-boot over IPv6 to its iPXE HTTP
 * script. Both real clients are first timed without the flood, in the same run, for comparison. Afterwards bootline
 * (started with {@code -Xmx128m -XX:+UseSerialGC}) must still run, its resident set must stay under {@link #RSS_BOUND},
 * {@code /api/machines} must hold at most the timeline cap (4096 machines), {@code /metrics} must count the flood
 * (received, answered, malformed by reason, rate-limited), bootline's broadcast OFFERs must stay within the proxy's
 * per-source limit, and the journal must hold the real clients' events. The flooded OVMF boot is captured (br0, tap0)
 * with the VM port's frame/drop counters and the server's UDP counters printed, to say where a failing boot stopped.
 *
 * <p>What a flooded OVMF needs (found here): the flooder's multicast kept off its port (MLD snooping, below) and no
 * broadcast OFFER per flooded DISCOVER from bootline (proxy-dhcp.rate-limit-per-source). With neither, ~13000
 * frames/s were pushed to the VM's tap (~8000 the flooder's multicast, ~5000 bootline's OFFERs), most dropped there,
 * and the TFTP download of ipxe.efi timed out (PXE-E18); with snooping but no proxy limit, ~4000 frames/s were still
 * dropped at the tap and it failed (PXE-E99); with the proxy limit but no snooping, ~15000 multicast frames/s reached
 * the VM: OVMF got ipxe.efi, but iPXE did not reach its script in 240 s.
 *
 * <p>The RSS bound: 128 MiB of heap + metaspace/class data (~40 MiB for Jetty, Jackson, Micrometer, logback) +
 * code cache and thread stacks (~20 MiB) + the 4 MiB receive buffers and the mapped journal segment (16 MiB) stay
 * well under 256 MiB; a per-MAC structure growing without bound would hit the heap cap (OutOfMemoryError, which the
 * test sees as a dead process or an "Exception" in the log) or, off-heap, push RSS over the bound.
 */
@LabTest({Requirement.QEMU, Requirement.OVMF, Requirement.IPXE_BINARIES, Requirement.RADVD, Requirement.DHCLIENT,
    Requirement.CURL, Requirement.BOOTLINE_JAR})
class FloodLabIT {
  static final String VM_MAC = "52:54:00:12:34:56";
  static final String VM_MAC_2 = "52:54:00:12:34:57";
  static final String CLI_MAC = "52:54:00:aa:bb:cc";
  static final String CLI_ADDRESS = "2001:db8:1::5254:aa:bbcc";
  static final long RSS_BOUND = 256L << 20;
  static final int MACHINES_CAP = 4096;
  static final int FLOOD_MACS = 100_000;
  static final String ADMIN = "http://127.0.0.1:6315";
  static final Pattern SAMPLE = Pattern.compile("^(bootline_\\w+)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
  static final Pattern PLAIN = Pattern.compile("^(bootline_\\w+) (\\S+)$", Pattern.MULTILINE);

  @Test
  void realClientsAreServedDuringAFloodAndMemoryStaysBounded(Lab lab) throws Exception {
    Netns srv = lab.firmwareServer("2001:db8:1::1/64");
    // A switch with MLD snooping, as a managed one is: the flooder's Solicits to ff02::1:2 reach bootline's port only.
    // Without it (the lab's default bridge: an unmanaged switch) every port gets them too, ~14000 frames/s: QEMU's
    // tap queue overflowed (tx_dropped) and OVMF's TFTP download stalled, though bootline answered every Solicit,
    // Request and RRQ within milliseconds. Only the network can keep a host's multicast flood off other hosts' ports.
    lab.ip(srv, "link", "set", "br0", "type", "bridge", "mcast_snooping", "1", "mcast_querier", "1");
    lab.address(srv, "br0", "192.0.2.1/24");
    Path netboot = lab.dir().resolve("netboot");
    for (String mac : List.of(VM_MAC, VM_MAC_2)) {
      Files.createDirectories(netboot.resolve(mac));
      Files.writeString(netboot.resolve(mac).resolve("boot.ipxe"), "#!ipxe\necho bootline-lab: iPXE script reached\npoweroff\n");
    }
    Path state = lab.dir().resolve("state");
    LabProcess bootline = lab.startBootlineAsLauncher(srv, "bootline", "serve", "-interface", "br0", "-base-address", "2001:db8:1::",
        "-netboot-dir", netboot.toString(), "--state-dir", state.toString(),
        "-http-boot-url-template", "http://[2001:db8:1::1]/mac/{{.MAC}}/boot.ipxe", "--admin-listen", "127.0.0.1:6315");
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));
    long pid = bootlinePid(lab, srv);
    lab.radvdManaged(srv, "br0", "2001:db8:1::/64");

    Netns cli = lab.bridgePort(srv, "cli", "vcli");
    lab.mac(cli, "eth0", CLI_MAC);
    lab.linkLocal(cli, "eth0");
    Netns atk = lab.bridgePort(srv, "atk", "vatk");
    lab.address(atk, "eth0", "192.0.2.66/24");
    lab.address(atk, "eth0", "2001:db8:1::66/64");
    lab.linkLocal(atk, "eth0");

    // ---- without flood: the reference timings
    long t = System.nanoTime();
    assertThat(lab.dhclient6(cli, "dhclient-quiet")).contains("new_ip6_address=" + CLI_ADDRESS);
    long dhclientQuietMs = ms(t);
    long ovmfQuietMs = ovmfBoot(lab, srv, VM_MAC, "ovmf-quiet");
    long rssQuiet = status(pid, "VmRSS");

    // ---- the flood
    Map<String, Double> before = metrics(lab, srv);
    Path stop = lab.dir().resolve("flood.stop");
    LabProcess flood = lab.startJava(atk, "flood", FloodSender.class, "eth0", "192.0.2.1", "2001:db8:1::1", "600",
        String.valueOf(FLOOD_MACS), stop.toString());
    flood.waitFor("READY", Duration.ofSeconds(60));
    flood.waitFor("SENT t=(?:[3-9]|\\d{2,}) ", Duration.ofSeconds(30)); // the flood is at full rate before the real clients start
    t = System.nanoTime();
    assertThat(lab.dhclient6(cli, "dhclient-flood")).contains("new_ip6_address=" + CLI_ADDRESS);
    long dhclientFloodMs = ms(t);
    // Evidence of where a flooded boot stops: OVMF's own traffic at bootline's interface (br0) and at the VM's port
    // (tap0, without the flooder's frames), frames the bridge pushed to the VM, and the kernel's UDP drops.
    String atkMac = lab.exec(atk, "cat", "/sys/class/net/eth0/address").strip();
    var atBootline = lab.start(srv, "tcpdump-ovmf-br0", List.of("tcpdump", "--immediate-mode", "-U", "-n", "-s", "0", "-Z",
        "root", "-i", "br0", "-w", lab.dir().resolve("ovmf-flood-br0.pcap").toString(), "ether", "host", VM_MAC_2));
    var atVm = lab.start(srv, "tcpdump-ovmf-tap0", List.of("tcpdump", "--immediate-mode", "-U", "-n", "-s", "0", "-Z",
        "root", "-i", "tap0", "-w", lab.dir().resolve("ovmf-flood-tap0.pcap").toString(), "not", "ether", "src", atkMac));
    atBootline.waitFor("listening on", Duration.ofSeconds(15));
    atVm.waitFor("listening on", Duration.ofSeconds(15));
    Map<String, Long> udpBefore = udpCounters(lab, srv);
    long tapTxBefore = tapStat(lab, srv, "tx_packets");
    long tapDropBefore = tapStat(lab, srv, "tx_dropped");
    long floodTapT = System.nanoTime();
    long ovmfFloodMs = -1;
    AssertionError ovmfFailure = null;
    try {
      ovmfFloodMs = ovmfBoot(lab, srv, VM_MAC_2, "ovmf-flood");
    } catch (AssertionError e) {
      ovmfFailure = e;
    }
    long tapTx = tapStat(lab, srv, "tx_packets") - tapTxBefore;
    long tapDropped = tapStat(lab, srv, "tx_dropped") - tapDropBefore;
    long tapMs = ms(floodTapT);
    Map<String, Long> udpAfter = udpCounters(lab, srv);
    Thread.sleep(300); // tcpdump writes what the kernel has already handed it
    atBootline.close();
    atVm.close();
    System.out.printf("FLOOD-OVMF frames to the VM's tap0: %d in %d ms (%.0f/s), %d dropped at the tap (queue full);"
            + " server UDP counters during the boot: %s%n",
        tapTx, tapMs, tapTx * 1000.0 / Math.max(1, tapMs), tapDropped, diff(udpAfter, udpBefore));
    if (ovmfFailure != null) {
      System.out.println("FLOOD-OVMF at br0:\n" + lab.run("tcpdump", "-r", lab.dir().resolve("ovmf-flood-br0.pcap").toString(), "-n", "-tt"));
      System.out.println("FLOOD-OVMF at tap0:\n" + lab.run("tcpdump", "-r", lab.dir().resolve("ovmf-flood-tap0.pcap").toString(), "-n", "-tt", "-c", "400"));
      System.out.println("FLOOD-OVMF metrics: " + drops(metrics(lab, srv), before));
      throw ovmfFailure;
    }
    assertThat(flood.isAlive()).as("the flood was still running when both real clients were done").isTrue();
    // keep flooding until the sender has cycled through all 10^5 MACs at least once (~1 s of flood at 100k/s)
    flood.waitFor("SENT t=\\d+ rounds=\\d{6,}", Duration.ofSeconds(120));
    Files.writeString(stop, "");
    assertThat(flood.waitForExit(Duration.ofSeconds(30))).isZero();
    java.util.regex.MatchResult f = flood.waitFor("FLOOD seconds=(\\S+) sent=(\\d+) sent6=(\\d+) sent4=(\\d+) garbage=(\\d+) answered6=(\\d+)"
        + " answered4=(\\d+) send_errors=(\\d+) distinct_macs=(\\d+)", Duration.ofSeconds(1));
    double seconds = Double.parseDouble(f.group(1));
    long sent = Long.parseLong(f.group(2));
    long answered = Long.parseLong(f.group(6)) + Long.parseLong(f.group(7));
    assertThat(Long.parseLong(f.group(9))).as("distinct flood MACs").isEqualTo(FLOOD_MACS);
    Thread.sleep(2_000); // let bootline drain its receive buffers before reading counters

    // ---- after
    assertThat(bootline.isAlive()).isTrue();
    assertThat(bootline.output()).doesNotContain("unexpected failure").doesNotContain("OutOfMemoryError");
    long rss = status(pid, "VmRSS");
    long hwm = status(pid, "VmHWM");
    assertThat(hwm).as("bootline peak resident set (VmHWM)").isLessThan(RSS_BOUND);

    Map<String, Double> after = metrics(lab, srv);
    double rx6 = delta(after, before, "bootline_dhcp6_packets_received_total");
    double rx4 = delta(after, before, "bootline_proxy_packets_received_total");
    double ans6 = sum(after, before, "bootline_dhcp6_packets_total", "result=\"answered\"");
    double ans4 = sum(after, before, "bootline_proxy_packets_total", "result=\"answered\"");
    double mal6 = sum(after, before, "bootline_dhcp6_packets_total", "result=\"malformed\"");
    double mal4 = sum(after, before, "bootline_proxy_packets_total", "result=\"malformed\"");
    assertThat(rx6).as("DHCPv6 datagrams received during the flood").isGreaterThan(FLOOD_MACS);
    assertThat(ans6).as("DHCPv6 answers").isPositive();
    assertThat(ans4).as("proxyDHCP answers").isPositive();
    assertThat(mal6 + mal4).as("garbage counted as malformed").isPositive();
    // The flooder's DISCOVERs come unicast from one address; each OFFER would be a broadcast to every port. Per port
    // (67, 4011) at most the burst (400) plus 200/s: bootline does not turn one host's flood into a broadcast flood.
    double limited4 = sum(after, before, "bootline_proxy_packets_total", "reason=\"rate_limited\"");
    assertThat(limited4).as("proxy datagrams dropped by the per-source limit").isPositive();
    assertThat(ans4).as("proxy answers (broadcast OFFERs) during the flood").isLessThan(2 * (400 + 200 * (seconds + 60)));
    assertThat(rx6 + rx4).isLessThanOrEqualTo(sent + 200); // nothing counted twice (+ the real clients' packets)

    JsonNode machines = new ObjectMapper().readTree(lab.exec(srv, "curl", "-sS", "--max-time", "10", ADMIN + "/api/machines"));
    assertThat(machines.size()).as("machines held in memory").isPositive().isLessThanOrEqualTo(MACHINES_CAP);

    System.out.printf("FLOOD-RESULT flood: %.1f s, sent %d (%.0f/s), answers received by the flooder %d (%.0f/s);"
            + " bootline received v6 %.0f v4 %.0f, answered v6 %.0f v4 %.0f, malformed v6 %.0f v4 %.0f;"
            + " dhclient -6 %d ms quiet / %d ms flood; OVMF PXEv6 to iPXE script %d ms quiet / %d ms flood;"
            + " RSS %d MiB quiet, %d MiB after, HWM %d MiB; /api/machines %d; metrics %s%n",
        seconds, sent, sent / seconds, answered, answered / seconds, rx6, rx4, ans6, ans4, mal6, mal4,
        dhclientQuietMs, dhclientFloodMs, ovmfQuietMs, ovmfFloodMs, rssQuiet >> 20, rss >> 20, hwm >> 20,
        machines.size(), drops(after, before));

    bootline.close(); // releases the journal's lock
    // The real machines have aged out of the in-memory timelines (10^5 flood machines, cap 4096): read the journal.
    Map<String, List<BootEvent>> journal = new TreeMap<>();
    try (EventLog log = EventLog.open(state); var cursor = log.subscribe(0)) {
      for (List<BootEvent> batch; !(batch = cursor.poll(10_000, Duration.ofMillis(500))).isEmpty(); ) {
        for (BootEvent e : batch) {
          if (e.mac() != null && List.of(VM_MAC, VM_MAC_2, CLI_MAC).contains(e.mac())) { // some events have no MAC
            journal.computeIfAbsent(e.mac(), k -> new ArrayList<>()).add(e);
          }
        }
      }
    }
    for (String mac : List.of(VM_MAC, VM_MAC_2)) {
      assertThat(journal.getOrDefault(mac, List.of()).stream().map(BootEvent::name).toList()).as(mac).containsSubsequence(
          "point_pxe_to_ipxe_over_tftp", "serve_ipxe_over_tftp", "point_ipxe_to_http_boot", "http_fetch");
    }
    assertThat(journal.getOrDefault(CLI_MAC, List.of())).as("dhclient's events").isNotEmpty()
        .allSatisfy(e -> assertThat(e.ip()).isEqualTo(CLI_ADDRESS));
  }

  /** OVMF's PXEv6 boots to the iPXE script; returns the milliseconds from QEMU start to the script's serial line. */
  private static long ovmfBoot(Lab lab, Netns srv, String mac, String name) throws Exception {
    long t = System.nanoTime();
    try (Qemu vm = lab.ovmf(srv, "tap0").name(name).nic("virtio-net-pci").mac(mac).romfile("")
        .fwCfg("opt/org.tianocore/IPv4PXESupport", "n").start()) {
      vm.waitForSerial("bootline-lab: iPXE script reached", Duration.ofSeconds(240));
      return ms(t);
    }
  }

  /** The pid of the java process serving in {@code srv} (ip netns exec execs it, so it is the only java there). */
  private static long bootlinePid(Lab lab, Netns srv) {
    String pids = lab.run("ip", "netns", "pids", srv.name());
    for (String p : pids.trim().split("\\s+")) {
      try {
        if (Files.readString(Path.of("/proc", p, "cmdline")).contains("bootline.jar")) {
          return Long.parseLong(p);
        }
      } catch (java.io.IOException e) {
        // exited meanwhile
      }
    }
    throw new AssertionError("no bootline process among " + pids);
  }

  /** A field of /proc/PID/status in bytes (VmRSS, VmHWM are in kB). */
  static long status(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", "")) << 10;
      }
    }
    throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
  }

  /** Every sample of /metrics by {@code name{labels}} (or {@code name}). */
  static Map<String, Double> metrics(Lab lab, Netns srv) {
    String text = lab.exec(srv, "curl", "-sS", "--max-time", "10", ADMIN + "/metrics");
    Map<String, Double> m = new TreeMap<>();
    Matcher s = SAMPLE.matcher(text);
    while (s.find()) {
      m.put(s.group(1) + "{" + s.group(2) + "}", Double.parseDouble(s.group(3)));
    }
    Matcher p = PLAIN.matcher(text);
    while (p.find()) {
      m.put(p.group(1), Double.parseDouble(p.group(2)));
    }
    return m;
  }

  private static double delta(Map<String, Double> after, Map<String, Double> before, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }

  private static double sum(Map<String, Double> after, Map<String, Double> before, String name, String label) {
    double total = 0;
    for (String k : after.keySet()) {
      if (k.startsWith(name + "{") && k.contains(label)) {
        total += delta(after, before, k);
      }
    }
    return total;
  }

  /** The non-zero changes of the dhcp6/proxy/tftp packet counters and journal drops, for the report line. */
  private static Map<String, Long> drops(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Long> d = new TreeMap<>();
    for (String k : after.keySet()) {
      if (k.matches("bootline_(dhcp6_packets|proxy_packets|tftp_packets|tftp_requests|journal_\\w+)_total.*")) {
        long v = Math.round(delta(after, before, k));
        if (v != 0) {
          d.put(k.replace("bootline_", ""), v);
        }
      }
    }
    return d;
  }

  private static long tapStat(Lab lab, Netns srv, String counter) {
    return Long.parseLong(lab.exec(srv, "cat", "/sys/class/net/tap0/statistics/" + counter).strip());
  }

  /** The kernel's UDP/UDP6 counters in {@code ns} (/proc/net/snmp6 and the Udp: lines of /proc/net/snmp). */
  static Map<String, Long> udpCounters(Lab lab, Netns ns) {
    Map<String, Long> m = new TreeMap<>();
    for (String line : lab.exec(ns, "cat", "/proc/net/snmp6").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].startsWith("Udp6")) {
        m.put(f[0], Long.parseLong(f[1]));
      }
    }
    List<String> udp = lab.exec(ns, "cat", "/proc/net/snmp").lines().filter(l -> l.startsWith("Udp:")).toList();
    if (udp.size() == 2) {
      String[] k = udp.get(0).split("\\s+");
      String[] v = udp.get(1).split("\\s+");
      for (int i = 1; i < k.length && i < v.length; i++) {
        m.put("Udp" + k[i], Long.parseLong(v[i]));
      }
    }
    return m;
  }

  private static Map<String, Long> diff(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((k, v) -> {
      long x = v - before.getOrDefault(k, 0L);
      if (x != 0) {
        d.put(k, x);
      }
    });
    return d;
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
