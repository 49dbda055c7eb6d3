package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Capture;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server namespace with two links, each to its own client namespace. The server has a default route through link 1,
 * so a reply that is not pinned to the arrival interface (what the JDK's DatagramChannel does) leaves through link 1
 * whatever link the request came in on. The FFM socket must answer each client on its own link.
 *
 * <pre>
 *   c1: eth0 192.0.2.10/24 ── l1 192.0.2.1/24     ┐
 *                                                  ├ srv (PktinfoReflector on UDP 67 and 547)
 *   c2: eth0 198.51.100.10/24 ── l2 198.51.100.1/24 ┘
 * </pre>
 */
@LabTest(Requirement.TCPDUMP)
class TwoLinkPktinfoLabIT {
  private record Topology(Netns srv, Netns c1, Netns c2, int l1, int l2) {}

  private static Topology build(Lab lab) {
    Netns srv = lab.namespace("srv");
    Netns c1 = lab.namespace("c1");
    Netns c2 = lab.namespace("c2");
    lab.veth(srv, "l1", c1, "eth0");
    lab.veth(srv, "l2", c2, "eth0");
    lab.address(srv, "l1", "192.0.2.1/24");
    lab.address(srv, "l2", "198.51.100.1/24");
    lab.address(c1, "eth0", "192.0.2.10/24");
    lab.address(c2, "eth0", "198.51.100.10/24");
    lab.ip(srv, "route", "add", "default", "via", "192.0.2.10", "dev", "l1");
    // single-homed clients: the limited broadcast leaves through their only link
    lab.ip(c1, "route", "add", "default", "dev", "eth0");
    lab.ip(c2, "route", "add", "default", "dev", "eth0");
    return new Topology(srv, c1, c2, lab.ifIndex(srv, "l1"), lab.ifIndex(srv, "l2"));
  }

  private static LabProcess startReflector(Lab lab, Topology t) {
    LabProcess reflector = lab.startJava(t.srv(), "reflector", PktinfoReflector.class, "67", "547", "l1", "l2");
    reflector.waitFor("ready", Duration.ofSeconds(30));
    return reflector;
  }

  @Test
  void ipv4BroadcastReplyLeavesThroughTheArrivalLinkWithThatLinksAddress(Lab lab) {
    Topology t = build(lab);
    Capture onL1 = lab.capture(t.srv(), "l1", "l1");
    Capture onL2 = lab.capture(t.srv(), "l2", "l2");
    startReflector(lab, t);

    LabProcess probe1 = lab.startJava(t.c1(), "probe-c1", LinkProbe.class, "v4", "eth0");
    LabProcess probe2 = lab.startJava(t.c2(), "probe-c2", LinkProbe.class, "v4", "eth0");
    assertThat(probe1.waitForExit(Duration.ofSeconds(30))).as(probe1.output()).isZero();
    assertThat(probe2.waitForExit(Duration.ofSeconds(30))).as(probe2.output()).isZero();

    assertThat(probe1.output())
        .contains("REPLY from=192.0.2.1 text=ifindex=" + t.l1() + " dst=255.255.255.255 server=192.0.2.1");
    assertThat(probe2.output())
        .contains("REPLY from=198.51.100.1 text=ifindex=" + t.l2() + " dst=255.255.255.255 server=198.51.100.1");

    onL1.stop();
    onL2.stop();
    List<String> repliesOnL1 = onL1.packets("udp", "and", "src", "port", "67");
    List<String> repliesOnL2 = onL2.packets("udp", "and", "src", "port", "67");
    assertThat(repliesOnL1).isNotEmpty().allMatch(l -> l.contains("192.0.2.1.67 > 255.255.255.255.68"));
    assertThat(repliesOnL2).isNotEmpty().allMatch(l -> l.contains("198.51.100.1.67 > 255.255.255.255.68"));
  }

  @Test
  void ipv6MulticastArrivesWithItsInterfaceAndUnicastReplyStaysOnThatLink(Lab lab) {
    Topology t = build(lab);
    String c1LinkLocal = lab.linkLocal(t.c1(), "eth0");
    String c2LinkLocal = lab.linkLocal(t.c2(), "eth0");
    String l1LinkLocal = lab.linkLocal(t.srv(), "l1");
    String l2LinkLocal = lab.linkLocal(t.srv(), "l2");
    Capture onL1 = lab.capture(t.srv(), "l1", "l1");
    Capture onL2 = lab.capture(t.srv(), "l2", "l2");
    LabProcess reflector = startReflector(lab, t);

    LabProcess probe1 = lab.startJava(t.c1(), "probe6-c1", LinkProbe.class, "v6", "eth0");
    LabProcess probe2 = lab.startJava(t.c2(), "probe6-c2", LinkProbe.class, "v6", "eth0");
    assertThat(probe1.waitForExit(Duration.ofSeconds(30))).as(probe1.output()).isZero();
    assertThat(probe2.waitForExit(Duration.ofSeconds(30))).as(probe2.output()).isZero();

    // the server saw each multicast on the right interface, with the group as destination
    assertThat(reflector.output())
        .containsPattern("v6 received ifindex=" + t.l1() + " dst=ff02:0:0:0:0:0:1:2%\\S+ from=/"
            + java.util.regex.Pattern.quote("[" + expand(c1LinkLocal) + "%"))
        .containsPattern("v6 received ifindex=" + t.l2() + " dst=ff02:0:0:0:0:0:1:2%\\S+ from=/"
            + java.util.regex.Pattern.quote("[" + expand(c2LinkLocal) + "%"));
    // each client got the answer from the server's link-local on its own link
    assertThat(probe1.output()).contains("text=ifindex=" + t.l1() + " dst=ff02:0:0:0:0:0:1:2")
        .contains("server=" + expand(l1LinkLocal));
    assertThat(probe2.output()).contains("text=ifindex=" + t.l2() + " dst=ff02:0:0:0:0:0:1:2")
        .contains("server=" + expand(l2LinkLocal));

    onL1.stop();
    onL2.stop();
    List<String> repliesOnL1 = onL1.packets("udp", "and", "src", "port", "547");
    List<String> repliesOnL2 = onL2.packets("udp", "and", "src", "port", "547");
    assertThat(repliesOnL1).isNotEmpty().allMatch(l -> l.contains(l1LinkLocal + ".547 > " + c1LinkLocal + ".546"));
    assertThat(repliesOnL2).isNotEmpty().allMatch(l -> l.contains(l2LinkLocal + ".547 > " + c2LinkLocal + ".546"));
  }

  /** Java's long form (fe80:0:0:0:...) of an address as {@code ip} prints it. */
  private static String expand(String compressed) {
    try {
      String s = java.net.InetAddress.getByName(compressed).getHostAddress();
      int percent = s.indexOf('%');
      return percent < 0 ? s : s.substring(0, percent);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
