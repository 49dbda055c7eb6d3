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
 * One proxy, two links: a real UEFI PXE DISCOVER (captured bytes) sent on each link gets an offer naming that link's
 * own address (option 54 and siaddr), and the offer leaves through that link only (pcap on both server ports).
 */
@LabTest({Requirement.TCPDUMP})
class ProxyTwoLinkLabIT {
  @Test
  void eachLinkGetsAnOfferFromItsOwnAddressThroughItself(Lab lab) throws Exception {
    Netns srv = lab.namespace("srv");
    Netns c1 = lab.namespace("c1");
    Netns c2 = lab.namespace("c2");
    lab.veth(srv, "s1", c1, "eth0");
    lab.veth(srv, "s2", c2, "eth0");
    lab.address(srv, "s1", "192.0.2.1/24");
    lab.address(srv, "s2", "198.51.100.1/24");

    LabProcess proxy = ProxyLabs.startProxy(lab, srv, "interfaces: [s1, s2]\n");
    Capture cap1 = lab.capture(srv, "s1", "s1");
    Capture cap2 = lab.capture(srv, "s2", "s2");

    String discover = Fixtures.root()
        .resolve("uefi-pxe4-virtio-net-pci-builtin-tcg").resolve("01-client-dhcp4-discover.hex").toString();
    LabProcess probe1 = lab.startJava(c1, "probe-c1", ProxyProbeClient.class, "eth0", discover);
    probe1.waitFor("REPLY type=OFFER server=192\\.0\\.2\\.1 siaddr=192\\.0\\.2\\.1 yiaddr=0\\.0\\.0\\.0", Duration.ofSeconds(30));
    LabProcess probe2 = lab.startJava(c2, "probe-c2", ProxyProbeClient.class, "eth0", discover);
    probe2.waitFor("REPLY type=OFFER server=198\\.51\\.100\\.1 siaddr=198\\.51\\.100\\.1 yiaddr=0\\.0\\.0\\.0", Duration.ofSeconds(30));
    probe1.waitForExit(Duration.ofSeconds(30));
    probe2.waitForExit(Duration.ofSeconds(30));
    assertThat(probe1.output()).doesNotContain("198.51.100.1");
    assertThat(probe2.output()).doesNotContain("server=192.0.2.1");

    cap1.stop();
    cap2.stop();
    List<String> out1 = cap1.packets("udp", "src", "port", "67");
    List<String> out2 = cap2.packets("udp", "src", "port", "67");
    assertThat(out1).singleElement().asString().contains("192.0.2.1.67 > 255.255.255.255.68");
    assertThat(out2).singleElement().asString().contains("198.51.100.1.67 > 255.255.255.255.68");
    proxy.waitFor("EVENT 52:54:00:12:34:56 point_pxe_to_ipxe_over_tftp .*interface=s2", Duration.ofSeconds(5));
  }
}
