package dev.bootline.robust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import dev.bootline.robust.MalformedCorpus.Family;
import dev.bootline.robust.MalformedCorpus.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Robustness: a corpus of malformed DHCPv4/DHCPv6 datagrams ({@link MalformedCorpus}: truncated headers, option lengths
 * past the end, relays nested 32 and 33 deep, zero-length and oversized options, wrong hlen, non-Ethernet htype, 64 KiB
 * datagrams) is sent at a live {@code bootline serve} in a lab namespace, round after round for ~10 s, while a real
 * ISC dhclient -6 gets its MAC-derived address before, during and after. Then bootline's /metrics must count every
 * DHCPv6 drop under its reason ({@code bootline_dhcp6_packets_total{result="malformed",reason=…}}, exactly rounds ×
 * items per reason), the process must still run without an unexpected-failure log line, and the ProxyDHCP side must
 * still answer a valid PXE DISCOVER.
 */
@LabTest({Requirement.DHCLIENT, Requirement.CURL, Requirement.BOOTLINE_JAR})
class MalformedCorpusLabIT {
  static final String BASE = "2001:db8:1:0:abcd::";
  static final String MAC = "52:54:00:aa:bb:cc";
  static final String ADDRESS = "2001:db8:1:0:abcd:5254:aa:bbcc";
  static final Pattern SAMPLE = Pattern.compile("^bootline_dhcp6_packets_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
  static final Pattern SAMPLE_V4 = Pattern.compile("^bootline_proxy_packets_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
  static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  @Test
  void corpusIsBuiltTheWayTheCodecsSeeIt() {
    // a corpus item whose expected reason the codecs do not agree with would make the lab assertions meaningless
    for (Item it : MalformedCorpus.all()) {
      String expected = it.reason() == null || it.reason().equals("truncated_datagram") ? null : it.reason();
      assertThat(MalformedCorpus.codecVerdict(it)).as(it.family() + " " + it.label()).isEqualTo(expected);
    }
    assertThat(MalformedCorpus.relayForw(MalformedCorpus.solicit(), 33)).hasSizeLessThan(MalformedCorpus.MAX_UDP6);
  }

  @Test
  void malformedTrafficIsCountedByReasonAndRealClientsKeepBeingServed(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    lab.bridge(srv, "br0");
    lab.address(srv, "br0", "192.0.2.1/24");
    lab.address(srv, "br0", "2001:db8:1::1/64");
    lab.up(srv, "br0");
    // The corpus comes from one address at ~200-500 datagrams/s per family, right at the per-source flood limits'
    // default: part of it could be counted as rate_limited before any decoder saw it (FloodLabIT covers the limits).
    // This test is about the decoders' reasons, so the limits are off.
    Path config = lab.dir().resolve("no-flood-limits.yaml");
    Files.writeString(config, """
        dhcp6:
          rate-limit-per-source: 0
        proxy-dhcp:
          rate-limit-per-source: 0
        """);
    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "--config", config.toString(),
        "-interface", "br0", "-base-address", BASE,
        "--state-dir", lab.dir().resolve("state").toString(), "--tftp-root", lab.dir().toString(),
        "--http-listen", "[2001:db8:1::1]:8080", "--admin-listen", "127.0.0.1:6315");
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));

    Netns cli = lab.bridgePort(srv, "cli", "vcli");
    lab.mac(cli, "eth0", MAC);
    Netns atk = lab.bridgePort(srv, "atk", "vatk");
    lab.address(atk, "eth0", "192.0.2.66/24");
    lab.address(atk, "eth0", "2001:db8:1::66/64");
    lab.linkLocal(atk, "eth0");
    lab.linkLocal(cli, "eth0");

    Map<String, Long> base = malformedCounts(lab, srv);
    Map<String, Long> baseV4 = malformedCounts(lab, srv, SAMPLE_V4);
    assertThat(lab.dhclient6(cli, "dhclient-before")).contains("new_ip6_address=" + ADDRESS);

    List<Item> corpus = MalformedCorpus.all();
    Path file = lab.dir().resolve("corpus.txt");
    Files.write(file, corpus.stream().map(Item::line).toList());
    LabProcess sender = lab.startJava(atk, "sender", CorpusSender.class, file.toString(), "eth0", "192.0.2.1", "12", "400");
    sender.waitFor("round 1 sent", Duration.ofSeconds(30));
    assertThat(lab.dhclient6(cli, "dhclient-during")).contains("new_ip6_address=" + ADDRESS);
    assertThat(sender.isAlive()).as("the corpus was still being sent when dhclient got its address").isTrue();
    assertThat(sender.waitForExit(Duration.ofSeconds(40))).isZero();
    int rounds = Integer.parseInt(sender.waitFor("rounds=(\\d+)", Duration.ofSeconds(1)).group(1));
    assertThat(rounds).isPositive();
    assertThat(sender.output()).as("ProxyDHCP answers a valid PXE DISCOVER after the corpus").contains("v4-offer=yes");

    assertThat(lab.dhclient6(cli, "dhclient-after")).contains("new_ip6_address=" + ADDRESS);
    assertThat(bootline.isAlive()).isTrue();
    assertThat(bootline.output()).doesNotContain("unexpected failure").doesNotContain("Exception");

    Map<String, Long> expected = new TreeMap<>();
    for (Item it : corpus) {
      if (it.family() == Family.V6 && it.reason() != null) {
        expected.merge(it.reason(), (long) rounds, Long::sum);
      }
    }
    Map<String, Long> after = malformedCounts(lab, srv);
    Map<String, Long> delta = after.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> e.getValue() - base.getOrDefault(e.getKey(), 0L), (a, b) -> a, TreeMap::new));
    delta.values().removeIf(v -> v == 0);
    assertThat(delta).as("DHCPv6 drops counted by reason over %d rounds", rounds).isEqualTo(expected);

    Map<String, Long> expectedV4 = new TreeMap<>();
    for (Item it : corpus) {
      if (it.family() == Family.V4 && it.reason() != null) {
        expectedV4.merge(it.reason(), (long) rounds, Long::sum);
      }
    }
    Map<String, Long> afterV4 = malformedCounts(lab, srv, SAMPLE_V4);
    Map<String, Long> deltaV4 = afterV4.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> e.getValue() - baseV4.getOrDefault(e.getKey(), 0L), (a, b) -> a, TreeMap::new));
    deltaV4.values().removeIf(v -> v == 0);
    assertThat(deltaV4).as("DHCPv4 drops counted by reason over %d rounds", rounds).isEqualTo(expectedV4);
  }

  /** {@code reason -> value} of bootline_dhcp6_packets_total{result="malformed"}, scraped inside the namespace. */
  static Map<String, Long> malformedCounts(Lab lab, Netns srv) {
    return malformedCounts(lab, srv, SAMPLE);
  }

  /** {@code reason -> value} of the given metric's samples with result="malformed". */
  static Map<String, Long> malformedCounts(Lab lab, Netns srv, Pattern sample) {
    String text = lab.exec(srv, "curl", "-sS", "--max-time", "5", "http://127.0.0.1:6315/metrics");
    assertThat(text).contains("bootline_");
    Map<String, Long> counts = new TreeMap<>();
    Matcher m = sample.matcher(text);
    while (m.find()) {
      Map<String, String> labels = new TreeMap<>();
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      if ("malformed".equals(labels.get("result"))) {
        counts.merge(labels.get("reason"), (long) Double.parseDouble(m.group(2)), Long::sum);
      }
    }
    return counts;
  }

}
