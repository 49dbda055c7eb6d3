package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Capture;
import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import dev.bootline.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A PXE client on another link, behind a real DHCPv4 relay (dnsmasq {@code --dhcp-relay} in its own namespace between
 * the client's link 198.51.100.0/24 and bootline's 192.0.2.0/24): the relay sets giaddr, and {@code bootline serve}'s
 * proxy answers unicast to giaddr:67, never by broadcast on its own link; the relay hands the offer to the client.
 */
@LabTest({Requirement.DNSMASQ, Requirement.TCPDUMP, Requirement.BOOTLINE_JAR})
class ProxyRelayLabIT {
  @Test
  void relayedDiscoverIsAnsweredUnicastToGiaddr(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    lab.bridge(srv, "br0");
    lab.address(srv, "br0", "192.0.2.1/24");
    lab.up(srv, "br0");
    Netns relay = lab.namespace("relay");
    lab.veth(srv, "vrl", relay, "up0");
    lab.attachToBridge(srv, "vrl", "br0");
    lab.up(srv, "vrl");
    lab.address(relay, "up0", "192.0.2.3/24");
    Netns c = lab.namespace("c");
    lab.veth(relay, "down0", c, "eth0");
    lab.address(relay, "down0", "198.51.100.1/24");
    lab.mac(c, "eth0", "52:54:00:12:34:56");
    lab.up(relay, "up0", "down0");
    lab.up(c, "eth0");
    lab.ip(srv, "route", "add", "198.51.100.0/24", "via", "192.0.2.3");

    LabProcess bootline = lab.startBootline(srv, "bootline", "serve", "-interface", "br0",
        "--state-dir", lab.dir().resolve("state").toString());
    bootline.waitFor("bootline: ready", Duration.ofSeconds(60));
    Capture capture = lab.capture(srv, "vrl", "vrl");
    lab.start(relay, "dnsmasq-relay", List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0",
        "--no-resolv", "--no-hosts", "--user=root", "--group=root", "--log-facility=-", "--log-dhcp",
        "--pid-file=" + lab.dir().resolve("relay.pid"),
        "--dhcp-relay=198.51.100.1,192.0.2.1")).waitFor("DHCP relay", Duration.ofSeconds(15));

    // a real OVMF PXEv4 DISCOVER (captured), broadcast on the client's link
    String discover = Fixtures.root()
        .resolve("uefi-pxe4-virtio-net-pci-builtin-tcg").resolve("01-client-dhcp4-discover.hex").toString();
    LabProcess probe = lab.startJava(c, "probe", ProxyProbeClient.class, "eth0", discover);
    probe.waitFor("REPLY type=OFFER server=192\\.0\\.2\\.1 siaddr=192\\.0\\.2\\.1 yiaddr=0\\.0\\.0\\.0", Duration.ofSeconds(30));
    probe.waitForExit(Duration.ofSeconds(30));
    capture.stop();

    // dnsmasq relays from its giaddr (198.51.100.1, routed via 192.0.2.3) to bootline's address
    assertThat(capture.packets("-v", "udp", "dst", "port", "67", "and", "dst", "host", "192.0.2.1"))
        .as("the relay forwarded the DISCOVER to bootline with giaddr set")
        .anyMatch(l -> l.contains("198.51.100.1.67 > 192.0.2.1.67")).anyMatch(l -> l.contains("Gateway-IP 198.51.100.1"));
    List<String> out = capture.packets("udp", "src", "port", "67", "and", "src", "host", "192.0.2.1");
    assertThat(out).as("bootline's answers on its link").isNotEmpty()
        .allMatch(l -> l.contains("192.0.2.1.67 > 198.51.100.1.67"), "unicast to giaddr:67");
    assertThat(capture.packets("-v", "udp", "and", "src", "host", "192.0.2.1", "and", "src", "port", "67"))
        .anyMatch(l -> l.contains("Gateway-IP 198.51.100.1"));
  }
}
