package dev.bootline.dhcp4;

import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.Netns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Lab building blocks shared by the proxy lab tests. */
final class ProxyLabs {
  private ProxyLabs() {}

  /**
   * The site's ordinary DHCP server (addresses only, like ../shared/lab/conf/dhcp4-plain.conf) in its own namespace,
   * plugged into {@code bridge} of {@code srv} with 192.0.2.2.
   */
  static Netns siteDhcpServer(Lab lab, Netns srv, String bridge) {
    Netns site = lab.namespace("dhcp");
    lab.veth(srv, "vdhcp", site, "eth0");
    lab.attachToBridge(srv, "vdhcp", bridge);
    lab.address(site, "eth0", "192.0.2.2/24");
    dnsmasq(lab, site, "site-dhcp",
        """
        interface=eth0
        bind-interfaces
        dhcp-range=192.0.2.100,192.0.2.199,255.255.255.0,10m
        dhcp-option=option:router,192.0.2.1
        dhcp-authoritative
        """);
    return site;
  }

  /** dnsmasq in the foreground with its own conf, lease, pid and log files under the test's log dir; no DNS. */
  static LabProcess dnsmasq(Lab lab, Netns ns, String name, String conf) {
    try {
      Path dir = lab.dir();
      Path confFile = dir.resolve(name + ".conf");
      Files.writeString(confFile, conf);
      LabProcess p = lab.start(ns, name, List.of("dnsmasq", "--keep-in-foreground", "--conf-file=" + confFile,
          "--user=root", "--group=root", "--port=0", "--no-resolv", "--no-hosts",
          "--pid-file=" + dir.resolve(name + ".pid"), "--dhcp-leasefile=" + dir.resolve(name + ".leases"),
          "--log-facility=" + dir.resolve(name + ".dnsmasq.log"), "--log-dhcp"));
      waitForFile(dir.resolve(name + ".pid"), p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** bootline's proxy (ProxyLabMain) in a child JVM in {@code ns}, with {@code yaml} as its config; waits until ready. */
  static LabProcess startProxy(Lab lab, Netns ns, String yaml) {
    try {
      Path config = lab.dir().resolve("bootline.yaml");
      Files.writeString(config, yaml);
      LabProcess p = lab.startJava(ns, "bootline-proxy", ProxyLabMain.class, config.toString());
      p.waitFor("ready on", Duration.ofSeconds(30));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void waitForFile(Path file, LabProcess p) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(file)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(p.name() + " did not start: " + p.output());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
