package dev.bootline.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.Test;

/**
 * Proves the whole lab chain on this machine: SeaBIOS + QEMU's iPXE option ROM (virtio-net) boots under TCG on a tap
 * that is a port of a bridge in the server namespace, iPXE's banner reaches the serial console, and a receiver using
 * bootline's FFM socket in that namespace gets the firmware's DHCPDISCOVER, broadcast, on the bridge's ifindex.
 */
@LabTest({Requirement.QEMU, Requirement.IPXE_ROMS})
class FirmwareSmokeLabIT {

  @Test
  void seabiosIpxeDiscoverReachesTheFfmSocketOnTheBridge(Lab lab) {
    Netns srv = lab.firmwareServer("192.0.2.1/24");
    int bridgeIndex = lab.ifIndex(srv, "br0");

    LabProcess watcher = lab.startJava(srv, "dhcp-watcher", DhcpDiscoverWatcher.class, "67");
    watcher.waitFor("ready on", Duration.ofSeconds(30));
    Qemu vm = lab.seabios(srv, "tap0").nic("virtio-net-pci").mac(Qemu.DEFAULT_MAC).start();

    vm.waitForSerial("iPXE \\(http://ipxe\\.org\\)", Duration.ofSeconds(40)); // the option ROM's banner
    MatchResult discover = watcher.waitFor(
        "DHCP type=1 ifindex=(\\d+) dst=(\\S+) src=/0\\.0\\.0\\.0:68 chaddr=52:54:00:12:34:56", Duration.ofSeconds(45));

    assertThat(Integer.parseInt(discover.group(1))).as("arrival ifindex = br0").isEqualTo(bridgeIndex);
    assertThat(discover.group(2)).isEqualTo("255.255.255.255");

    long qemuPid = vm.process().pid();
    lab.close();
    assertThat(Lab.runQuietly("ip", "netns", "list").output()).doesNotContain(srv.name());
    assertThat(ProcessHandle.of(qemuPid).filter(ProcessHandle::isAlive)).as("qemu still running").isEmpty();
  }
}
