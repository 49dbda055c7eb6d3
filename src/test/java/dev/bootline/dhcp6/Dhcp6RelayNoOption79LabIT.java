package dev.bootline.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * ISC dhclient -6 on a relayed link behind a relay that sends no option 79 ({@link Dhcp6LabRelay}; dnsmasq's relay
 * adds 79, so it cannot show this): {@code bootline serve} finds the MAC in the Relay-Forw's EUI-64 peer-address (the
 * client's link-local). dhclient's DUID is set to a DUID-LL of another MAC, so the DUID path would give a different
 * address: the test fails if bootline took the MAC from the DUID instead of the peer-address.
 */
@LabTest({Requirement.DHCLIENT, Requirement.BOOTLINE_JAR})
class Dhcp6RelayNoOption79LabIT {
  static final String MAC = "52:54:00:11:22:33";

  @Test
  void macComesFromTheEui64PeerAddressWhenTheRelaySendsNoOption79(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    LabProcess bootline = Dhcp6DhclientLabIT.startServer(lab, srv);
    Netns relay = lab.namespace("relay");
    lab.veth(srv, "vrl", relay, "up0");
    lab.attachToBridge(srv, "vrl", "br0");
    lab.up(srv, "vrl");
    lab.address(relay, "up0", "2001:db8:1::2/64");
    Netns c = lab.namespace("c");
    lab.veth(relay, "down0", c, "eth0");
    lab.address(relay, "down0", "2001:db8:2::1/64");
    // the veth came up with a random MAC and its link-local from that; down/up regenerates it from MAC
    lab.ip(c, "link", "set", "eth0", "down");
    lab.mac(c, "eth0", MAC);
    lab.up(relay, "up0", "down0");
    lab.up(c, "eth0");
    LabProcess agent = lab.startJava(relay, "relay", Dhcp6LabRelay.class, "down0", "2001:db8:2::1", "2001:db8:1::1");
    agent.waitFor("relay ready", Duration.ofSeconds(30));

    // DUID-LL (type 3, hardware type 1) of 02:00:00:00:00:01, in dhclient's lease-file syntax
    Files.writeString(lab.dir().resolve("dhclient-relayed.leases"),
        "default-duid \"\\000\\003\\000\\001\\002\\000\\000\\000\\000\\001\";\n");
    String env = lab.dhclient6(c, "dhclient-relayed");

    assertThat(env).contains("new_ip6_address=" + "2001:db8:1:0:abcd:5254:11:2233");
    assertThat(agent.output()).contains("forw type 1 from fe80:0:0:0:5054:ff:fe11:2233").contains("repl type 7")
        .contains("clientid=00030001020000000001"); // dhclient really sent the other MAC's DUID-LL
    bootline.waitFor("DHCPv6 REQUEST " + MAC + " on br0 \\(relay_peer_address_eui64\\)", Duration.ofSeconds(5));
    assertThat(bootline.output()).doesNotContain("02:00:00:00:00:01");
  }
}
