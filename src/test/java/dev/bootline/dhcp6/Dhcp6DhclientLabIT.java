package dev.bootline.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.Test;

/**
 * ISC dhclient -6, a real Linux DHCPv6 client, against {@code bootline serve} in a lab namespace: each client gets
 * exactly prefix ‖ MAC, directly and through a real DHCPv6 relay (dnsmasq's dhcp-relay), with no lease database.
 */
@LabTest({Requirement.DHCLIENT, Requirement.DNSMASQ, Requirement.BOOTLINE_JAR})
class Dhcp6DhclientLabIT {
  static final String BASE = "2001:db8:1:0:abcd::";

  /** Server namespace with bridge br0 (2001:db8:1::1/64) running bootline. */
  static LabProcess startServer(Lab lab, Netns srv) {
    lab.bridge(srv, "br0");
    lab.address(srv, "br0", "2001:db8:1::1/64");
    lab.up(srv, "br0");
    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "-interface", "br0", "-base-address", BASE,
        "--state-dir", lab.dir().resolve("state").toString(), "--http-listen", "[2001:db8:1::1]:8080");
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));
    return bootline;
  }

  @Test
  void twoClientsGetPrefixPlusTheirOwnMac(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    LabProcess bootline = startServer(lab, srv);
    Netns c1 = lab.bridgePort(srv, "c1", "vc1", "52:54:00:aa:bb:cc");
    Netns c2 = lab.bridgePort(srv, "c2", "vc2", "52:54:00:00:00:42");

    assertThat(lab.dhclient6(c1, "dhclient-c1")).contains("new_ip6_address=2001:db8:1:0:abcd:5254:aa:bbcc");
    assertThat(lab.dhclient6(c2, "dhclient-c2")).contains("new_ip6_address=2001:db8:1:0:abcd:5254:0:42");
    // a second run of the same client gets the same address again: nothing to remember, nothing to lose
    assertThat(lab.dhclient6(c1, "dhclient-c1-again")).contains("new_ip6_address=2001:db8:1:0:abcd:5254:aa:bbcc");
    // bootline says which source gave the MAC (dhclient's DUID is DUID-LLT) and journals the client as a booted OS
    MatchResult line = bootline.waitFor("DHCPv6 REQUEST 52:54:00:aa:bb:cc on br0 \\((\\w+)\\)", Duration.ofSeconds(5));
    assertThat(line.group(1)).isIn("duid", "source_address_eui64");
  }

  @Test
  void relayedClientGetsItsAddressBackThroughRelayRepl(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    startServer(lab, srv);
    // relay namespace: one leg on br0 (2001:db8:1::2), one on the client's own link 2001:db8:2::/64
    Netns relay = lab.namespace("relay");
    lab.veth(srv, "vrl", relay, "up0");
    lab.attachToBridge(srv, "vrl", "br0");
    lab.up(srv, "vrl");
    lab.address(relay, "up0", "2001:db8:1::2/64");
    Netns c = lab.namespace("c3");
    lab.veth(relay, "down0", c, "eth0");
    lab.address(relay, "down0", "2001:db8:2::1/64");
    lab.mac(c, "eth0", "52:54:00:11:22:33");
    lab.up(relay, "up0", "down0");
    lab.up(c, "eth0");
    lab.start(relay, "dnsmasq-relay", List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0",
        "--no-resolv", "--no-hosts", "--user=root", "--group=root", "--log-facility=-", "--log-dhcp",
        "--pid-file=" + lab.dir().resolve("relay.pid"),
        "--dhcp-relay=2001:db8:2::1,2001:db8:1::1")).waitFor("DHCP relay", Duration.ofSeconds(15));
    String env = lab.dhclient6(c, "dhclient-relayed");
    assertThat(env).contains("new_ip6_address=2001:db8:1:0:abcd:5254:11:2233");
  }
}
