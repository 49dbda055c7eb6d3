package dev.bootline.cli;

import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.events.EventLog;
import dev.bootline.net.ReceivedDatagram;
import dev.bootline.net.UdpSocket;
import dev.bootline.net.UdpSocketConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code bootline aot-train}: the training run for the JVM's AOT cache (JEP 483/514/515). Run as
 * {@code java -XX:AOTCacheOutput=bootline.aot -jar bootline.jar aot-train}; a later {@code serve} with
 * {@code -XX:AOTCache=bootline.aot} starts with these classes already loaded and linked (and their method profiles),
 * so it answers DHCP sooner after a restart or a crash (bench/storm/startup). It walks what {@code serve} runs before
 * and while it answers the first machine: config parsing, logback, the DHCPv6 and ProxyDHCP responders and codecs
 * (through {@code explain}, which drives the servers' own responders), an FFM UDP socket with packet info, the event
 * journal (write, then replay as after a crash), Micrometer, and the daemon itself with its HTTP planes. Everything is
 * in a temporary directory and on loopback with ephemeral ports; no DHCP socket is opened and no packet leaves the
 * host, so it needs no privilege and no network namespace, and unlike an archive written at exit it does not depend
 * on a daemon ever stopping cleanly.
 */
@Command(name = "aot-train", hidden = true, description = "Training run for the JVM's AOT cache (see packaging/).")
public final class AotTrainCommand implements Callable<Integer> {
  private static final String MAC = "52:54:00:12:34:56";

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("bootline-aot-train");
    try {
      Path conf = dir.resolve("bootline.yaml");
      Files.writeString(conf, config(dir.resolve("state")));
      BootlineConfig cfg = ConfigLoader.load(Optional.of(conf), List.of());
      LogFormat.apply(cfg.logging());
      PrintStream out = System.out;
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      try {
        Main.run("serve", "--check", "--config", conf.toString()); // serve's command line and config checks
        explain(conf, "--v6", "--arch", "7");
        explain(conf, "--v6", "--arch", "16");
        explain(conf, "--arch", "0");
        explain(conf, "--arch", "7");
        explain(conf, "--arch", "7", "--boot-server");
        explain(conf, "--arch", "7", "--user-class", "iPXE");
      } finally {
        System.setOut(out);
      }
      udpLoopback();
      serverClasses();
      journal(dir.resolve("state"));
      daemon(cfg);
      return 0;
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A config with every server configured; the daemon run below turns the DHCP and TFTP servers off by flag. */
  private static String config(Path state) {
    return """
        interfaces: [lo]
        state-dir: %s
        dhcp6:
          base-address: "2001:db8:1:0:abcd::"
        http:
          listen: ["127.0.0.1:8080"]
          admin-listen: ["127.0.0.1:6315"]
        log:
          level: warn
        """.formatted(state);
  }

  private static void explain(Path conf, String... extra) {
    String[] args = Stream.concat(Stream.of("explain", "--config", conf.toString(), "--mac", MAC), Stream.of(extra))
        .toArray(String[]::new);
    Main.run(args);
  }

  /** The FFM socket path the DHCP servers use (packet info on receive, source/ifindex on send), on ::1. */
  private static void udpLoopback() throws IOException {
    InetAddress lo = InetAddress.getByName("::1");
    try (UdpSocket s = UdpSocket.open(UdpSocketConfig.ipv6(0).withBind(new InetSocketAddress(lo, 0)))) {
      InetSocketAddress self = new InetSocketAddress(lo, s.localAddress().getPort());
      ByteBuffer buf = ByteBuffer.allocate(2048);
      for (int i = 0; i < 3; i++) {
        s.send(ByteBuffer.wrap(("aot-train " + i).getBytes(StandardCharsets.US_ASCII)), self, 0, null);
        buf.clear();
        ReceivedDatagram d = s.receive(buf);
        if (d.length() <= 0) {
          throw new IOException("loopback datagram not received");
        }
      }
    }
  }

  /**
   * The server classes whose constructors open DHCP/TFTP sockets (not done here): loaded and initialised only, so the
   * cache holds them linked instead of serve reading and verifying them from the jar.
   */
  private static void serverClasses() throws ClassNotFoundException {
    for (String name : List.of("dev.bootline.dhcp6.Dhcp6Server", "dev.bootline.dhcp4.ProxyDhcpServer",
        "dev.bootline.tftp.TftpServer", "dev.bootline.tftp.TftpServer$Config", "dev.bootline.tftp.TftpPathResolver",
        "dev.bootline.tftp.DatagramEndpoint", "dev.bootline.tftp.DatagramEndpoint$Factory",
        "dev.bootline.tftp.InterfaceMtu", "dev.bootline.tftp.TftpCounters", "dev.bootline.tftp.ReadTransfer")) {
      Class.forName(name, true, AotTrainCommand.class.getClassLoader());
    }
    // [startup] classes serve still read from the jar at start (-Xlog:class+load, bench/storm/startup): the per-source
    // flood limits, TFTP's packet-info endpoint, the first counters. A name gone in a refactoring is skipped: it only
    // costs that class's share of the speed-up, not the cache.
    for (String name : List.of("dev.bootline.net.SourceRateLimiter", "dev.bootline.net.SourceRateLimiter$Source",
        "dev.bootline.net.SourceRateLimiter$Bucket", "dev.bootline.dhcp4.UnicastFloodGuard", "dev.bootline.dhcp6.RelayPeer",
        "dev.bootline.tftp.TftpPathResolver$MacPathHandler", "dev.bootline.tftp.ReadTransfer$Settings",
        "dev.bootline.tftp.DatagramEndpoint$PktinfoEndpoint", "dev.bootline.dhcp4.Dhcp4OptionItem$Pad",
        "io.micrometer.core.instrument.Counter$Builder", "io.micrometer.core.instrument.noop.NoopCounter",
        "io.micrometer.prometheusmetrics.PrometheusCounter", "java.util.concurrent.atomic.DoubleAdder")) {
      try {
        Class.forName(name, true, AotTrainCommand.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        // see above
      }
    }
  }

  /** Events as the servers record them, then a reopen: the replay a restart after a crash does. */
  private static void journal(Path state) throws IOException {
    try (EventLog log = EventLog.open(state)) {
      for (int i = 0; i < 50; i++) {
        String mac = "52:54:00:00:00:%02x".formatted(i);
        log.record(mac, "2001:db8:1:0:abcd::" + Integer.toHexString(i), "dhcp6_reply",
            Map.of("message", "REPLY", "interface", "lo", "reason", "aot-train"), "dhcp6@lo");
        log.record(mac, "192.0.2." + (i + 10), "proxy_offer", Map.of("interface", "lo", "arch", 7), "proxydhcp");
      }
    }
    try (EventLog log = EventLog.open(state)) {
      log.machines();
    }
  }

  /** The daemon's own start (journal, metrics, HTTP planes) with the DHCP and TFTP servers off, a few requests, stop. */
  private static void daemon(BootlineConfig cfg) throws Exception {
    int http = freePort();
    int admin = freePort();
    BootlineConfig off = ConfigLoader.load(Optional.empty(), List.of(
        new ConfigLoader.Override("interfaces", List.of("lo"), "aot-train"),
        new ConfigLoader.Override("state-dir", cfg.stateDir().toString(), "aot-train"),
        new ConfigLoader.Override("dhcp6.enabled", "false", "aot-train"),
        new ConfigLoader.Override("proxy-dhcp.enabled", "false", "aot-train"),
        new ConfigLoader.Override("tftp.enabled", "false", "aot-train"),
        new ConfigLoader.Override("http.listen", List.of("127.0.0.1:" + http), "aot-train"),
        new ConfigLoader.Override("http.admin-listen", List.of("127.0.0.1:" + admin), "aot-train"),
        new ConfigLoader.Override("log.level", "warn", "aot-train")));
    try (Daemon d = new Daemon()) {
      d.start(off);
      get(admin, "/healthz");
      get(admin, "/metrics");
      get(admin, "/api/machines");
      get(http, "/boot.ipxe");
    }
  }

  /** A loopback port free a moment ago (the config wants 1-65535, not 0). */
  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void get(int port, String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      try (InputStream in = s.getInputStream()) {
        in.readAllBytes();
      }
    }
  }
}
