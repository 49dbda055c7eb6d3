package dev.bootline.robust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.dhcp6.SseResumeClientMain;
import dev.bootline.events.BootEvent;
import dev.bootline.events.EventCursor;
import dev.bootline.events.EventLog;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Crash safety during a boot storm (issue #8): {@link StormClientMain} boots 100 simulated machines (DHCPv6 4-way,
 * TFTP ipxe.efi, HTTP 64 KiB; 16 at a time) from one client namespace while an SSE client reads {@code /events};
 * bootline is SIGKILLed the moment an event has reached the SSE client with the storm in full swing, and restarted on
 * the same state dir. Every event the SSE client had received before the kill (id, event name, MAC) is in the journal
 * afterwards, and a probing DHCPv6 client in a second namespace ({@link FirstReplyProbeMain}, Solicit every 20 ms) gets
 * a Reply from the restarted process soon after it is spawned; the clean start is measured the same way, and both
 * figures are printed.
 *
 * <p>The bound on the restart is {@value #RESTART_BOUND_MS} ms, not the 1 s goal: on the shared 2-core lab machine
 * (load average 10–20 while other builds and QEMU run) the JVM alone took 3.2–11.3 s from exec to the first Reply
 * (bench/storm/startup), and this test's clean start once took 12.9 s at load 18; the 1 s goal on a quiet machine is
 * a benchmark figure (bench/README.md, bench/storm/startup). Runs so far: restart 5.4 s / clean 4.4 s (load 16.6),
 * restart 2.8 s / clean 12.9 s (load 18), restart 1.06 s / clean 0.97 s (load 4.6).
 */
@LabTest({Requirement.IPXE_BINARIES, Requirement.BOOTLINE_JAR})
class KillDuringStormLabIT {
  static final String BASE = "2001:db8:1:0:abcd::";
  static final String ADMIN = "127.0.0.1:6315";
  static final String IPXE = "/usr/lib/ipxe/ipxe.efi";
  static final int MACHINES = 100;
  static final long RESTART_BOUND_MS = 30_000;

  @Test
  void everyEventStreamedBeforeKillMinus9MidStormIsJournaledAndTheRestartAnswersDhcp(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    lab.bridge(srv, "br0");
    lab.address(srv, "br0", "2001:db8:1::1/64");
    lab.up(srv, "br0");
    Netns storm = lab.bridgePort(srv, "storm", "vs", "02:00:5e:00:00:01");
    lab.address(storm, "eth0", "2001:db8:1::2/64"); // TFTP and HTTP to the boot URL's global address
    Netns probe = lab.bridgePort(srv, "probe", "vp", "02:00:5e:00:00:02");

    Path dir = lab.dir();
    Path big = dir.resolve("big");
    Files.write(big, randomBytes(64 << 10));
    Path http = dir.resolve("http");
    for (int i = 0; i < MACHINES; i++) {
      Path m = Files.createDirectories(http.resolve(String.format("02:00:5e:10:%02x:%02x", i >> 8 & 255, i & 255)));
      Files.createLink(m.resolve("big"), big);
    }
    Path state = dir.resolve("state");
    Path config = dir.resolve("bootline.yaml");
    Files.writeString(config, """
        interfaces: [br0]
        state-dir: %s
        dhcp6:
          base-address: "%s"
          # the simulated machines share one source address (real ones each have a link-local): no flood limit
          rate-limit-per-source: 0
        boot:
          ipxe:
            x86_64-efi: %s
        http:
          listen: ["[2001:db8:1::1]:8080"]
          admin-listen: ["%s"]
          netboot-dir: %s
        log:
          level: warn
        """.formatted(state, BASE, IPXE, ADMIN, http));

    // clean start, timed the same way as the restart below
    LabProcess cleanProbe = startProbe(lab, probe, "probe-clean");
    long cleanSpawned = System.currentTimeMillis();
    LabProcess first = lab.startBootline(srv, "bootline-1", "serve", "--config", config.toString());
    long cleanReplyMs = replyAt(cleanProbe) - cleanSpawned;
    first.waitFor("bootline: ready", Duration.ofSeconds(60));

    LabProcess sse = lab.startJava(srv, "sse-client", SseResumeClientMain.class, "http://" + ADMIN + "/events");
    sse.waitFor("SNAPSHOT \\d+", Duration.ofSeconds(30));
    int before = eventLines(sse).size(); // the probe's exchange
    LabProcess client = lab.startJava(storm, "storm-client", StormClientMain.class, "eth0", BASE,
        "[2001:db8:1::1]:8080", Integer.toString(MACHINES), "16", IPXE, "big", big.toString());

    // kill -9 once a good part of the storm has been streamed, right after an event reached the SSE client
    awaitEvents(sse, before + MACHINES);
    int count = eventLines(sse).size();
    awaitEvents(sse, count + 1);
    ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
    long killedAt = System.currentTimeMillis();
    first.waitForExit(Duration.ofSeconds(10));
    List<String> seen = eventLines(sse);
    long recent = seen.stream().filter(l -> Long.parseLong(l.split(" ")[4]) > killedAt - 1000).count();
    assertThat(recent).as("events streamed in the last second before the kill (mid-storm)").isGreaterThanOrEqualTo(5);
    assertThat(client.isAlive()).as("storm still running at the kill").isTrue();

    LabProcess restartProbe = startProbe(lab, probe, "probe-restart");
    long spawned = System.currentTimeMillis();
    LabProcess second = lab.startBootline(srv, "bootline-2", "serve", "--config", config.toString());
    long restartReplyMs = replyAt(restartProbe) - spawned;
    second.waitFor("bootline: ready", Duration.ofSeconds(60));
    client.waitForExit(Duration.ofSeconds(180));
    String load = Files.readString(Path.of("/proc/loadavg")).strip();
    System.out.printf("KillDuringStormLabIT: %d events streamed before kill -9 (%d in its last second); first DHCPv6 "
        + "Reply %d ms after spawning the restarted process, %d ms for the clean start (load %s); storm: %s%n",
        seen.size(), recent, restartReplyMs, cleanReplyMs, load,
        client.output().lines().filter(l -> l.startsWith("DONE")).findFirst().orElse("no DONE line"));
    second.close();
    sse.close();

    // the journal, read after the restarted process stopped: id → "name mac" for everything it holds
    Map<Long, String> journal = new LinkedHashMap<>();
    try (EventLog log = EventLog.open(state); EventCursor cursor = log.subscribe(0)) {
      while (journal.size() < log.lastId()) {
        for (BootEvent e : cursor.poll(1000, Duration.ofSeconds(5))) {
          journal.put(e.id(), e.name() + " " + e.mac());
        }
      }
    }
    Map<Long, String> streamed = new LinkedHashMap<>();
    for (String l : seen) {
      String[] f = l.split(" "); // EVENT <id> <name> <mac> <received ms>
      streamed.put(Long.parseLong(f[1]), f[2] + " " + f[3]);
    }
    assertThat(journal).as("journal after kill -9 and restart").containsAllEntriesOf(streamed);
    assertThat(journal.keySet()).as("journal ids: none missing, none twice")
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, journal.size()).boxed().toList());
    assertThat((long) journal.size()).as("the restarted process journaled the rest of the storm")
        .isGreaterThan(streamed.keySet().stream().mapToLong(Long::longValue).max().orElseThrow());
    assertThat(restartReplyMs).as("ms from spawning the restarted bootline to the probe's first DHCPv6 Reply")
        .isLessThanOrEqualTo(RESTART_BOUND_MS);
  }

  static LabProcess startProbe(Lab lab, Netns ns, String name) {
    LabProcess p = lab.startJava(ns, name, FirstReplyProbeMain.class, "eth0", BASE, "20", "120");
    p.waitFor("PROBING", Duration.ofSeconds(60));
    return p;
  }

  /** Epoch ms at which the probe got its Reply. */
  static long replyAt(LabProcess probe) {
    return Long.parseLong(probe.waitFor("REPLY (\\d+)", Duration.ofSeconds(120)).group(1));
  }

  static List<String> eventLines(LabProcess sse) {
    return sse.output().lines().filter(l -> l.startsWith("EVENT ")).toList();
  }

  static void awaitEvents(LabProcess sse, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (eventLines(sse).size() < n) {
      assertThat(System.nanoTime()).as("%d events from the SSE client; it printed:%n%s", n, sse.output())
          .isLessThan(deadline);
      assertThat(sse.isAlive()).as("SSE client running").isTrue();
      Thread.sleep(5);
    }
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(8).nextBytes(b);
    return b;
  }
}
