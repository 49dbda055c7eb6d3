package dev.bootline.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bootline.events.BootEvent;
import dev.bootline.events.EventCursor;
import dev.bootline.events.EventLog;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The boot timeline survives {@code kill -9}: an SSE client (inside the server namespace, on its loopback) reads
 * {@code /events} while dhclient -6 clients generate events, bootline is SIGKILLed mid-stream and restarted on the
 * same state dir, the client reconnects with {@code Last-Event-ID}, more events follow. The client's ids are exactly
 * 1..N, and everything it saw before the kill is in the journal afterwards. Also end to end: {@code --log-format
 * json} lines and the /metrics series of the running daemon.
 */
@LabTest({Requirement.DHCLIENT, Requirement.BOOTLINE_JAR})
class SseResumeAfterKillLabIT {
  static final String ADMIN = "127.0.0.1:6315";

  static LabProcess startBootline(Lab lab, Netns srv, String logName, Path state) {
    LabProcess p = lab.startBootline(srv, logName, "serve", "-interface", "br0", "-base-address",
        Dhcp6DhclientLabIT.BASE, "--state-dir", state.toString(), "--http-listen", "[2001:db8:1::1]:8080",
        "--admin-listen", ADMIN, "--log-format", "json");
    p.waitFor("bootline: ready", Duration.ofSeconds(60));
    return p;
  }

  /** Waits until the client has printed at least {@code n} events (bounded only so a broken run ends). */
  static void awaitEvents(LabProcess client, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (eventIds(client).size() < n) {
      assertThat(System.nanoTime()).as("%d events from the SSE client; it printed:%n%s", n, client.output())
          .isLessThan(deadline);
      assertThat(client.isAlive()).as("SSE client running").isTrue();
      Thread.sleep(100);
    }
  }

  static List<String> lines(LabProcess client, String prefix) {
    return client.output().lines().filter(l -> l.startsWith(prefix)).toList();
  }

  static List<Long> eventIds(LabProcess client) {
    return lines(client, "EVENT ").stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
  }

  @Test
  void aClientResumingWithLastEventIdMissesNothingAcrossKillMinus9(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    lab.bridge(srv, "br0");
    lab.address(srv, "br0", "2001:db8:1::1/64");
    lab.up(srv, "br0");
    Path state = lab.dir().resolve("state");
    LabProcess first = startBootline(lab, srv, "bootline-1", state);
    LabProcess sse = lab.startJava(srv, "sse-client", SseResumeClientMain.class, "http://" + ADMIN + "/events");
    sse.waitFor("SNAPSHOT 0", Duration.ofSeconds(30)); // an empty journal: the snapshot is consistent with id 0

    Netns c1 = Dhcp6DhclientLabIT.client(lab, srv, "c1", "vc1", "52:54:00:00:10:01");
    Netns c2 = Dhcp6DhclientLabIT.client(lab, srv, "c2", "vc2", "52:54:00:00:10:02");
    Netns c3 = Dhcp6DhclientLabIT.client(lab, srv, "c3", "vc3", "52:54:00:00:10:03");
    Dhcp6DhclientLabIT.dhclient6(lab, c1, "dhclient-c1");
    Dhcp6DhclientLabIT.dhclient6(lab, c2, "dhclient-c2");
    awaitEvents(sse, 2);

    // more events, and SIGKILL while the client is streaming them
    Dhcp6DhclientLabIT.dhclient6(lab, c3, "dhclient-c3");
    ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
    first.waitForExit(Duration.ofSeconds(10));
    List<Long> beforeKill = eventIds(sse);
    assertThat(beforeKill).as("events streamed before the kill").hasSizeGreaterThanOrEqualTo(2);
    long lastBeforeKill = beforeKill.getLast();

    LabProcess second = startBootline(lab, srv, "bootline-2", state);
    // the client comes back on its own, with the last id it saw
    sse.waitFor("(?m)^CONNECT " + lastBeforeKill + "\\nOPEN 200", Duration.ofSeconds(30));
    int seen = eventIds(sse).size();
    Dhcp6DhclientLabIT.dhclient6(lab, c1, "dhclient-c1-again");
    Dhcp6DhclientLabIT.dhclient6(lab, c2, "dhclient-c2-again");
    awaitEvents(sse, seen + 2);

    // end to end while it runs: /metrics has every protocol's series
    String metrics = lab.exec(srv, "curl", "-sf", "http://" + ADMIN + "/metrics");
    assertThat(metrics).contains("bootline_dhcp6_packets_total{", "bootline_events_total{name=",
        "bootline_journal_recorded_total", "bootline_journal_torn_records_total", "bootline_http_fetches_active",
        "bootline_tftp_transfers_active", "bootline_sse_subscribers 1.0", "bootline_dhcp6_packets_received_total");
    assertThat(metrics).containsPattern("bootline_proxy_packets_received_total \\d");

    // bootline.events{name} counts what this process recorded: the events the client saw after the restart
    java.util.Map<String, Long> afterRestart = lines(sse, "EVENT ").stream()
        .filter(l -> Long.parseLong(l.split(" ")[1]) > lastBeforeKill)
        .collect(java.util.stream.Collectors.groupingBy(l -> l.split(" ")[2], java.util.stream.Collectors.counting()));
    afterRestart.forEach((name, count) ->
        assertThat(metrics).contains("bootline_events_total{name=\"" + name + "\"} " + count.doubleValue()));

    List<Long> ids = eventIds(sse);
    long n = ids.getLast();
    assertThat(ids).as("ids the client saw, in order, across the kill").isEqualTo(LongStream.rangeClosed(1, n).boxed().toList());
    assertThat(lines(sse, "SNAPSHOT ")).as("a resume gets no second snapshot").hasSize(1);
    second.close();
    sse.close();

    List<Long> journal = new ArrayList<>();
    try (EventLog log = EventLog.open(state); EventCursor cursor = log.subscribe(0)) {
      while (journal.size() < log.lastId()) {
        for (BootEvent e : cursor.poll(1000, Duration.ofSeconds(5))) {
          journal.add(e.id());
        }
      }
    }
    assertThat(journal).as("journal after restart").containsAll(beforeKill).isEqualTo(ids);

    // --log-format json: bootline's log lines are JSON objects, the decisions in formattedMessage
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> logLines = new ArrayList<>();
    for (String l : first.output().lines().filter(l -> l.startsWith("{")).toList()) {
      logLines.add(json.readTree(l));
    }
    assertThat(logLines).anySatisfy(j -> {
      assertThat(j.get("loggerName").asText()).endsWith("Dhcp6Server");
      assertThat(j.get("formattedMessage").asText()).startsWith("DHCPv6 REQUEST 52:54:00:00:10:01 on br0");
    });
  }
}
