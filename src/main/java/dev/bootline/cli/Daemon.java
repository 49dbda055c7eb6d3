package dev.bootline.cli;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.dhcp4.ProxyDhcpServer;
import dev.bootline.dhcp6.Bytes;
import dev.bootline.dhcp6.Dhcp6Responder;
import dev.bootline.dhcp6.Dhcp6Server;
import dev.bootline.dhcp6.Duid;
import dev.bootline.events.EventLog;
import dev.bootline.events.EventSink;
import dev.bootline.http.AdminServer;
import dev.bootline.http.BootHttpServer;
import dev.bootline.net.InterfaceCache;
import dev.bootline.net.NetInterface;
import dev.bootline.net.NetInterfaces;
import dev.bootline.tftp.TftpEvents;
import dev.bootline.tftp.TftpPathResolver;
import dev.bootline.tftp.TftpServer;
import dev.bootline.wire.Ipv6Text;
import dev.bootline.wire.MacAddress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts every enabled server for a validated config and runs until SIGTERM/SIGINT. */
final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  static int run(BootlineConfig cfg) {
    Daemon d = new Daemon();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      d.close();
      stopped.countDown();
    }));
    try {
      d.start(cfg);
    } catch (StartupException e) {
      System.err.println("bootline: " + e.getMessage());
      d.close();
      return 2;
    } catch (java.io.IOException e) {
      // Port in use, no permission to bind below 1024, interface gone: the message says which; no stack trace.
      System.err.println("bootline: could not start: " + e.getMessage()
          + (String.valueOf(e.getMessage()).contains("in use") ? " (is another DHCP/TFTP/HTTP server running on this host?)" : ""));
      log.debug("start-up failure", e);
      d.close();
      return 1;
    } catch (Exception e) {
      log.error("bootline: could not start", e);
      d.close();
      return 1;
    }
    // The line lab tests and the demo wait for.
    System.err.println("bootline: ready");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** A start-up problem the user can fix; printed without a stack trace. */
  static final class StartupException extends Exception {
    StartupException(String message) {
      super(message);
    }
  }

  void start(BootlineConfig cfg) throws Exception {
    StartupTrace.step("daemon start");
    List<NetInterface> ifaces = new java.util.ArrayList<>();
    for (String name : cfg.interfaces()) {
      try {
        NetInterface ni = NetInterfaces.require(name);
        if (!ni.up()) {
          log.warn("interface {} has no carrier yet; serving it as soon as it comes up", name);
        }
        ifaces.add(ni);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new StartupException(e.getMessage());
      }
    }
    StartupTrace.step("interfaces found");
    Path stateDir = prepareStateDir(cfg.stateDir());
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StartupTrace.step("metrics registry");
    // [crash] The journal is opened (recovered after a crash) on its own thread while the DHCP and TFTP servers start,
    // so a restart answers DHCP without waiting for the replay (seconds on a loaded 2-core box: bench/README.md). Their
    // events are kept in memory until it is open (StartupEventSink), not journaled with ids yet; nothing reaches an SSE
    // client before the admin plane starts, after the join below.
    java.util.concurrent.CompletableFuture<EventLog> opening = new java.util.concurrent.CompletableFuture<>();
    Thread.ofPlatform().name("bootline-journal-open").start(() -> {
      try {
        EventLog opened = EventLog.open(stateDir);
        // [ops] bound before any event is recorded: events recorded while the rest starts up are counted too
        dev.bootline.metrics.BootlineMetrics.bind(metrics, opened);
        opening.complete(opened);
        StartupTrace.step("journal open");
      } catch (Throwable t) {
        opening.completeExceptionally(t);
      }
    });
    running.push(() -> {
      EventLog opened;
      try {
        opened = opening.join();
      } catch (java.util.concurrent.CompletionException e) {
        return; // never opened: nothing to close
      }
      opened.close();
    });
    // [startup] events recorded before the journal is open are kept and journaled, in order, once it is (logj5)
    EventSink events = new dev.bootline.events.StartupEventSink(opening);
    BootPolicy policy = new BootPolicy(cfg);
    StartupTrace.step("policy");
    // One view of the interfaces for every server's per-packet lookups (arrival link → our address, MTU, served?).
    InterfaceCache interfaces = InterfaceCache.system(java.time.Duration.ofSeconds(5));
    StartupTrace.step("interface cache");
    // --- timeline: per-machine assignments (store in the state dir, admin API, boot.ipxe; dev.bootline.http) ---
    dev.bootline.http.AssignmentStore assignmentStore;
    Optional<String> adminToken;
    try {
      assignmentStore = dev.bootline.http.AssignmentStore.open(stateDir);
      adminToken = AdminServer.readToken(cfg.http().adminTokenFile());
    } catch (IOException e) {
      throw new StartupException(e.getMessage()); // a broken assignments.json or token file is the operator's to fix
    }
    Assignment.Source assignments = assignmentStore;
    StartupTrace.step("policy and assignments");
    // --- end timeline (continued below, after the admin server exists) ---

    if (cfg.dhcp6().enabled() && cfg.dhcp6().baseAddress().isPresent()) {
      Duid duid = serverDuid(ifaces);
      Dhcp6Responder responder = new Dhcp6Responder(cfg, policy, assignments, duid);
      Dhcp6Server dhcp6 = new Dhcp6Server(responder, cfg.interfaces(), 547, events, metrics, interfaces);
      running.push(dhcp6);
      StartupTrace.step("dhcp6 server built");
      dhcp6.rateLimitPerSource(cfg.dhcp6().rateLimitPerSource()); // flood (#8)
      dhcp6.start();
      StartupTrace.step("dhcp6 started");
    } else if (cfg.dhcp6().enabled()) {
      log.info("DHCPv6 off: no dhcp6.base-address (-base-address) configured");
    }

    if (cfg.proxyDhcp().enabled()) {
      List<String> problems = ProxyDhcpServer.validate(cfg);
      if (!problems.isEmpty()) {
        throw new StartupException("proxy-dhcp: " + String.join("; ", problems));
      }
      ProxyDhcpServer proxy = new ProxyDhcpServer(cfg, policy, assignments, events, interfaces);
      running.push(proxy);
      proxy.start();
      StartupTrace.step("proxy-dhcp started");
    }

    // ===== BEGIN files block (TFTP + HTTP(S) file serving; owner: files branch) =====
    if (cfg.tftp().enabled()) {
      Path root = cfg.tftp().root().orElse(Files.createDirectories(stateDir.resolve("tftp-empty")));
      TftpPathResolver resolver = new TftpPathResolver(root, (mac, rest) -> policy.ipxe().resolve(rest));
      TftpServer tftp = new TftpServer(
          // [::]:69 is dual-stack on Linux: IPv4 clients arrive as mapped addresses (Java hands them over as IPv4).
          // FFM packet-info listener: transfers answer from the address the client talked to, blksize per link MTU.
          TftpServer.Config.defaults(List.of(new InetSocketAddress("::", 69))),
          resolver, tftpEvents(events, policy), dev.bootline.tftp.DatagramEndpoint.Factory.PKTINFO,
          dev.bootline.tftp.InterfaceMtu.of(interfaces));
      running.push(tftp);
      try {
        tftp.start();
      } catch (java.net.BindException e) {
        throw new java.net.BindException("TFTP [::]:69: " + e.getMessage());
      }
      log.info("TFTP listening on port 69 (root {})", root);
      StartupTrace.step("tftp started");
    }

    BootHttpServer http = new BootHttpServer(cfg.http().listen(), cfg.http().netbootDir(), policy.ipxe(),
        (mac, remote, path, sent, total, state) -> {
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("file", path);
          detail.put("state", state);
          detail.put("bytes_sent", sent);
          detail.put("bytes_total", total);
          detail.put("client", remote);
          String m = mac.map(Object::toString).orElse(null);
          events.record(m, remote, "http_fetch", detail, "http");
          if (BootHttpServer.isUki(path)) {
            events.record(m, remote, "http_fetch_uki", detail, "http"); // dhcpv6macd's name for a UKI download
          }
        });
    if (cfg.http().tls().isPresent()) {
      BootlineConfig.Tls t = cfg.http().tls().get();
      try {
        http.enableTls(cfg.http().tlsListen(),
            new dev.bootline.http.TlsReloader(t.certFile(), t.keyFile(), java.time.Duration.ofSeconds(2)));
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new StartupException("tls: cannot use " + t.certFile() + " / " + t.keyFile() + ": " + e.getMessage());
      }
    }
    // ===== END files block =====
    EventLog eventLog = journal(opening); // [crash] the DHCP and TFTP servers above answer already
    // --- events over HTTP (sse): admin server (:6315) and /events on the boot plane ---
    AdminServer admin = new AdminServer(cfg.http().adminListen(), eventLog, metrics);
    running.push(admin);
    admin.start();
    StartupTrace.step("admin started");
    http.addRoute(admin.events());
    // --- end events over HTTP ---
    // --- timeline (continued): assignment API on the admin plane, rendered boot.ipxe on the boot plane ---
    admin.assignments(assignmentStore, adminToken);
    http.addRoute(new dev.bootline.http.BootScriptRoute(assignmentStore, eventLog));
    // --- end timeline ---
    running.push(http);
    http.start();
    StartupTrace.step("http started");
    // ===== BEGIN ops block: every running server's counters in /metrics (dev.bootline.metrics) =====
    for (AutoCloseable c : running) {
      switch (c) {
        case ProxyDhcpServer p -> dev.bootline.metrics.BootlineMetrics.bind(metrics, p);
        case TftpServer t -> dev.bootline.metrics.BootlineMetrics.bind(metrics, t);
        case BootHttpServer h -> dev.bootline.metrics.BootlineMetrics.bind(metrics, h);
        // EventLog: bound when opened (above) [ops]; Dhcp6Server counts into the registry itself; AdminServer
        // registers bootline.sse.subscribers
        default -> { }
      }
    }
    // ===== END ops block =====
  }

  /** The opened journal, or the reason it could not be opened (e.g. another process holds it) as thrown by open. */
  private static EventLog journal(java.util.concurrent.CompletableFuture<EventLog> opening) throws IOException {
    try {
      return opening.join();
    } catch (java.util.concurrent.CompletionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        default -> throw new IOException(e.getCause());
      }
    }
  }

  static TftpEvents tftpEvents(EventSink events, BootPolicy policy) { // package-private for DaemonTftpEventsTest
    return new TftpEvents() {
      // issue #5 (helper http3): journal TFTP progress like HTTP's "sending"; TftpServer calls this at most once a
      // second per transfer (TftpServer.PROGRESS_EVERY), never after the transfer's end
      @Override
      public void transferProgress(TransferProgress e) {
        String ip = e.client().getAddress() instanceof java.net.Inet6Address v6 ? Ipv6Text.format(v6) : e.client().getAddress().getHostAddress();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("file", e.requestedName());
        detail.put("state", "sending");
        detail.put("bytes", e.bytes());
        detail.put("bytes_total", e.size());
        events.record(e.mac().map(MacAddress::toString).orElse(null), ip, "tftp_fetch", detail, "tftp");
      }

      @Override
      public void transferCompleted(TransferCompleted e) {
        String mac = e.mac().map(MacAddress::toString).orElse(null);
        String ip = e.client().getAddress() instanceof java.net.Inet6Address v6 ? Ipv6Text.format(v6) : e.client().getAddress().getHostAddress();
        boolean ipxe = e.mac().isPresent() && isIpxe(policy, e.requestedName());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("file", e.requestedName());
        detail.put("bytes", e.bytes());
        detail.put("state", "complete");
        detail.put("millis", e.duration().toMillis());
        events.record(mac, ip, ipxe ? "serve_ipxe_over_tftp" : "tftp_fetch", detail, "tftp");
      }

      @Override
      public void transferFailed(TransferFailed e) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("file", e.requestedName());
        detail.put("state", "error");
        detail.put("reason", e.reason());
        detail.put("bytes", e.bytes());
        events.record(e.mac().map(MacAddress::toString).orElse(null), null, "tftp_fetch", detail, "tftp");
      }
    };
  }

  private static boolean isIpxe(BootPolicy policy, String requestedName) {
    String n = requestedName.startsWith("/") ? requestedName.substring(1) : requestedName;
    int slash = n.indexOf('/');
    return slash > 0 && policy.ipxe().resolve(n.substring(slash + 1)).isPresent();
  }

  /** DUID-LL of the first served interface: stable across restarts without any state. */
  private static Duid serverDuid(List<NetInterface> ifaces) {
    for (NetInterface ni : ifaces) {
      Optional<MacAddress> mac = ni.mac().flatMap(MacAddress::parse);
      if (mac.isPresent()) {
        return new Duid.Ll(1, Bytes.of(mac.get().bytes()));
      }
    }
    return new Duid.Ll(1, Bytes.of(new byte[] {2, 0, 0, 0, 0, 1})); // interfaces without a MAC (tun): a fixed LL DUID
  }

  private static Path prepareStateDir(Path dir) throws IOException, StartupException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    }
    try {
      if (Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new StartupException("state-dir " + dir + " is world-writable; fix with chmod o-w " + dir);
      }
    } catch (UnsupportedOperationException ignored) {
      // not POSIX
    }
    return dir;
  }

  @Override
  public synchronized void close() {
    while (!running.isEmpty()) {
      AutoCloseable c = running.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
