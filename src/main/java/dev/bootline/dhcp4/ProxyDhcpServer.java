package dev.bootline.dhcp4;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.net.SourceRateLimiter;
import dev.bootline.events.EventSink;
import dev.bootline.net.NetInterface;
import dev.bootline.net.InterfaceCache;
import dev.bootline.net.NetInterfaces;
import dev.bootline.net.ReceivedDatagram;
import dev.bootline.net.UdpSocket;
import dev.bootline.net.UdpSocketConfig;
import dev.bootline.wire.LastValue;
import dev.bootline.wire.MalformedPacketException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ProxyDHCP on UDP 67 and the PXE boot server on UDP 4011, beside the site's DHCP server: it never offers addresses.
 *
 * <p>One wildcard socket per port with IP_PKTINFO, each read by its own platform thread (the FFM {@code recvmsg}
 * blocks). A datagram is answered only when its arrival ifindex is one of the configured interfaces; replies leave
 * through that interface with our address on it as the source. One socket per port rather than one per interface with
 * SO_BINDTODEVICE keeps two threads whatever the number of links, and the ifindex filter gives the same isolation.
 *
 * <p>The daemon calls {@link #validate} before start, then {@code new ProxyDhcpServer(...)}, {@link #start()} and
 * {@link #close()}.
 */
public final class ProxyDhcpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyDhcpServer.class);
  private static final String SERVER_NAME = "proxy-dhcp";
  private static final java.time.Duration INTERFACE_MAX_AGE = java.time.Duration.ofSeconds(30);
  /** Larger than any DHCP message over Ethernet; a bigger datagram is counted as truncated, not parsed. */
  private static final int RECEIVE_BUFFER = 4096;
  /**
   * SO_RCVBUF per socket (the kernel caps it at net.core.rmem_max): a burst — a rack powering on, or the thread held
   * up by a GC pause — waits in the kernel instead of being dropped. The default (~200 KiB) holds only a few hundred
   * DISCOVERs, as DHCPv6's 547 socket already found.
   */
  private static final int SOCKET_RECEIVE_BUFFER = 4 << 20;

  private final BootlineConfig config;
  private final ProxyResponder responder;
  private final EventSink events;
  private final int proxyPort;
  private final int bootServerPort;

  private final LongAdder received = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final Map<String, LongAdder> silent = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> malformed = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> sendErrors = new ConcurrentHashMap<>();

  private final Object meterLock = new Object();
  private volatile MeterRegistry metrics;
  private final InterfaceCache interfaces;
  private final List<UdpSocket> sockets = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  public ProxyDhcpServer(
      BootlineConfig config, BootPolicy policy, Assignment.Source assignments, EventSink events) {
    this(config, policy, assignments, events, InterfaceCache.system(INTERFACE_MAX_AGE), 67, 4011);
  }

  /** With the daemon's shared interface cache. */
  public ProxyDhcpServer(BootlineConfig config, BootPolicy policy, Assignment.Source assignments, EventSink events,
      InterfaceCache interfaces) {
    this(config, policy, assignments, events, interfaces, 67, 4011);
  }

  /** With other ports (tests only: a real client talks to 67 and 4011). */
  ProxyDhcpServer(
      BootlineConfig config,
      BootPolicy policy,
      Assignment.Source assignments,
      EventSink events,
      int proxyPort,
      int bootServerPort) {
    this(config, policy, assignments, events, InterfaceCache.system(INTERFACE_MAX_AGE), proxyPort, bootServerPort);
  }

  private ProxyDhcpServer(
      BootlineConfig config,
      BootPolicy policy,
      Assignment.Source assignments,
      EventSink events,
      InterfaceCache interfaces,
      int proxyPort,
      int bootServerPort) {
    this.config = config;
    this.interfaces = interfaces;
    this.responder = new ProxyResponder(config, policy, assignments);
    this.events = events;
    this.proxyPort = proxyPort;
    this.bootServerPort = bootServerPort;
  }

  /**
   * What in the configuration the proxy cannot serve, one sentence each (empty = fine): a menu that does not fit one
   * option 43 (with how many bytes over), a prompt or label the PXE format cannot carry, a boot file name that does
   * not fit the 128-byte {@code file} field.
   */
  public static List<String> validate(BootlineConfig config) {
    List<String> problems = new ArrayList<>();
    Optional<BootlineConfig.Menu> menu = config.proxyDhcp().menu();
    if (menu.isEmpty()) {
      return problems;
    }
    BootlineConfig.Menu m = menu.get();
    if (!latin1(m.prompt())) {
      problems.add("proxy-dhcp.menu.prompt: PXE ROMs print single-byte (ISO-8859-1) text; '" + m.prompt()
          + "' has other characters");
    } else if (m.prompt().length() > 254) {
      problems.add("proxy-dhcp.menu.prompt is " + m.prompt().length() + " bytes; PXE sub-option 10 holds at most 254");
    }
    for (int i = 0; i < m.items().size(); i++) {
      BootlineConfig.MenuItem item = m.items().get(i);
      String where = "proxy-dhcp.menu.items[" + i + "]";
      if (!latin1(item.label())) {
        problems.add(where + ".label: PXE ROMs print single-byte (ISO-8859-1) text; '" + item.label()
            + "' has other characters");
      } else if (item.label().length() > 255) {
        problems.add(where + ".label is " + item.label().length() + " bytes; a PXE menu entry holds at most 255");
      }
      if (item.boot() instanceof BootlineConfig.MenuBoot.File f
          && f.path().getBytes(StandardCharsets.UTF_8).length > 127) {
        problems.add(where + ".boot.file '" + f.path() + "' is longer than the 127 bytes the DHCP file field holds");
      }
    }
    if (problems.isEmpty()) {
      try {
        PxeVendorOptions options = ProxyResponder.menuOptions(m, Ipv4.ANY); // size does not depend on the address
        options.sizeProblem().ifPresent(p -> problems.add("proxy-dhcp.menu: " + p));
      } catch (IllegalArgumentException e) {
        problems.add("proxy-dhcp.menu: " + e.getMessage());
      }
    }
    return problems;
  }

  /** Opens both sockets and starts their receive threads; refuses a configuration {@link #validate} rejects. */
  public synchronized void start() throws IOException {
    List<String> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("proxy DHCP cannot start: " + String.join("; ", problems));
    }
    if (config.interfaces().isEmpty()) {
      throw new IllegalArgumentException("proxy DHCP needs at least one interface (interfaces: [...])");
    }
    List<NetInterface> served = servedLinks();
    try {
      open(ProxyResponder.Service.PROXY_67, proxyPort);
      open(ProxyResponder.Service.BOOT_SERVER_4011, bootServerPort);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    log.info(
        "proxy DHCP listening on UDP {} and {} on {}",
        proxyPort,
        bootServerPort,
        served.stream().map(l -> l.name() + " " + l.firstIpv4().map(InetAddress::getHostAddress).orElse("?")).toList());
  }

  private void open(ProxyResponder.Service service, int port) throws IOException {
    UdpSocket socket = UdpSocket.open(UdpSocketConfig.ipv4(port).withReceiveBufferBytes(SOCKET_RECEIVE_BUFFER));
    sockets.add(socket);
    Thread t =
        Thread.ofPlatform()
            .name("proxy-dhcp-" + service.port)
            .daemon(true)
            .start(() -> receiveLoop(socket, service));
    threads.add(t);
  }

  private void receiveLoop(UdpSocket socket, ProxyResponder.Service service) {
    ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BUFFER);
    // The reply is encoded into this thread's own buffer (#8: no per-reply arrays; the message is decoded straight from
    // `buffer`, and neither keeps a reference to the other once handle() returns).
    SendBuffer out = new SendBuffer();
    SourceRateLimiter perSource = SourceRateLimiter.perSecond(config.proxyDhcp().rateLimitPerSource()); // flood (#8)
    while (!closed) {
      ReceivedDatagram d;
      try {
        buffer.clear();
        d = socket.receive(buffer);
      } catch (AsynchronousCloseException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        log.warn("proxy DHCP receive on port {} failed: {}", service.port, e.toString());
        continue;
      }
      if (!UnicastFloodGuard.allow(perSource, buffer.array(), d.source().getAddress())) { // flood (#8)
        count("received", "");
        count("silent", "rate_limited");
        continue;
      }
      try {
        handle(socket, service, d, buffer.array(), out);
      } catch (RuntimeException e) { // a bug must not stop the server: count it, log it, keep serving
        count("silent", "internal_error");
        log.error("proxy DHCP failed on a datagram from {}", d.source(), e);
      }
    }
  }

  private void handle(
      UdpSocket socket, ProxyResponder.Service service, ReceivedDatagram d, byte[] packet, SendBuffer out) {
    count("received", "");
    NetInterface link = link(d.ifIndex());
    if (link == null) {
      count("silent", "not_our_interface");
      log.debug("ignored datagram on ifindex {} (not a configured interface)", d.ifIndex());
      return;
    }
    Optional<Inet4Address> us = ourAddress(link, d.destination());
    if (us.isEmpty()) {
      count("silent", "interface_without_ipv4");
      return;
    }
    if (d.truncated()) {
      count("malformed", "truncated_datagram");
      return;
    }
    ProxyResponder.Outcome outcome;
    try {
      Dhcp4Message request = Dhcp4Message.decode(packet, d.length()); // copies what it keeps
      outcome =
          responder.respond(
              request,
              new ProxyResponder.Arrival(service, link.name(), link.index(), us.get(), d.source(), d.destination()));
    } catch (MalformedPacketException e) {
      count("malformed", e.reason());
      log.debug("malformed DHCP from {} on {}: {} ({})", d.source(), link.name(), e.reason(), e.getMessage());
      return;
    }
    switch (outcome) {
      case ProxyResponder.Reply r -> {
        try {
          socket.send(out.encode(r.message()), r.destination(), r.ifIndex(), r.source());
          count("answered", "");
        } catch (IOException e) {
          count("send_failed", e.getClass().getSimpleName());
          log.warn("proxy DHCP reply to {} via {} failed: {}", r.destination(), link.name(), e.toString());
          return;
        }
        if (log.isInfoEnabled()) {
          // The same text as the pattern "{} {} on {}:{} -> {} to {} ({}: {})", built directly: this runs on the
          // packet thread for every reply (the async appender freezes the message here), so no pattern parsing.
          StringBuilder line = new StringBuilder(160)
              .append(r.facts().mac()).append(' ')
              .append(r.facts().primaryArch().map(Object::toString).orElse("arch ?"))
              .append(" on ").append(link.name()).append(':').append(service.port)
              .append(" -> ").append(r.message().messageType().map(Enum::name).orElse("?"))
              .append(" to ").append(DESTINATION_TEXT.get(r.destination()))
              .append(" (").append(r.plan().event()).append(": ").append(r.plan().reason()).append(')');
          log.info(line.toString());
        }
      }
      case ProxyResponder.Silent s -> {
        count("silent", s.reason());
        if (s.facts().isPresent()) {
          log.info("{} on {}:{} not answered ({}: {})", s.facts().get().mac(), link.name(), service.port, s.reason(), s.detail());
        } else {
          log.debug("not answered on {}:{} from {}: {}", link.name(), service.port, d.source(), s.detail());
        }
      }
    }
    outcome.event().ifPresent(e -> events.record(e.mac(), e.ip(), e.name(), e.detail(), SERVER_NAME));
  }

  /** One reused array and view per receive thread for encoding replies; a reply larger than it gets its own. */
  private static final class SendBuffer {
    private final byte[] bytes = new byte[RECEIVE_BUFFER];
    private final ByteBuffer view = ByteBuffer.wrap(bytes);

    ByteBuffer encode(Dhcp4Message m) {
      if (Dhcp4Codec.encodedLength(m) > bytes.length) {
        return ByteBuffer.wrap(m.encode());
      }
      int n = m.encodeInto(bytes);
      return view.clear().limit(n);
    }
  }

  /** {@code address.toString()}, kept for the last one: a proxy broadcasts to the same 255.255.255.255:68. */
  private static final LastValue<InetSocketAddress, String> DESTINATION_TEXT = new LastValue<>(InetSocketAddress::toString);

  /** The destination when it is one of our addresses on the link (4011 unicast), else the link's first IPv4. */
  private static Optional<Inet4Address> ourAddress(NetInterface link, InetAddress destination) {
    for (NetInterface.Ipv4Address a : link.ipv4()) {
      if (a.address().equals(destination)) {
        return Optional.of(a.address());
      }
    }
    return link.firstIpv4();
  }

  /** The arrival link when it is a served interface with an IPv4 address (else null: not ours to answer). */
  private NetInterface link(int ifIndex) {
    NetInterface l = interfaces.byIndex(ifIndex).orElse(null); // no capturing filter lambda per packet (#8)
    return l != null && config.interfaces().contains(l.name()) && !l.ipv4().isEmpty() ? l : null;
  }

  /** At start: which configured interfaces proxyDHCP serves now, saying why about the others. */
  private List<NetInterface> servedLinks() {
    List<NetInterface> served = new ArrayList<>();
    for (String name : config.interfaces()) {
      try {
        served.add(NetInterfaces.require(name, NetInterfaces.Need.IPV4));
      } catch (IllegalArgumentException e) {
        // An IPv6-only link is normal (DHCPv6 serves it): proxyDHCP just has nothing to do there.
        log.info("proxy DHCP: not serving {}: {}", name, e.getMessage());
      }
    }
    if (served.isEmpty()) {
      log.warn("proxy DHCP: no served interface has an IPv4 address yet; idle until one does");
    }
    return served;
  }

  /** Counts one datagram: {@code received}, {@code answered}, or silent/malformed/send_failed with its reason. */
  void count(String result, String key) {
    Map<String, LongAdder> counters =
        switch (result) {
          case "received" -> {
            received.increment();
            yield null;
          }
          case "answered" -> {
            answered.increment();
            yield null;
          }
          case "silent" -> silent;
          case "malformed" -> malformed;
          case "send_failed" -> sendErrors;
          default -> throw new IllegalArgumentException(result);
        };
    if (counters == null) {
      return;
    }
    LongAdder a = counters.get(key);
    if (a == null) {
      synchronized (meterLock) { // a reason's first appearance only: bindMetrics sees every key
        a = counters.computeIfAbsent(key, k -> {
          LongAdder fresh = new LongAdder();
          MeterRegistry r = metrics;
          if (r != null) {
            register(r, counters, k, fresh);
          }
          return fresh;
        });
      }
    }
    a.increment();
  }

  /**
   * Publishes the counters as {@code bootline.proxy.packets.received} and {@code bootline.proxy.packets{result,reason}}
   * (result answered, silent, malformed or send_failed), reading the same adders the getters read.
   */
  public void bindMetrics(MeterRegistry registry) {
    synchronized (meterLock) {
      metrics = registry;
      for (Map<String, LongAdder> m : List.of(silent, malformed, sendErrors)) {
        m.forEach((k, a) -> register(registry, m, k, a)); // reasons counted before binding
      }
    }
    FunctionCounter.builder("bootline.proxy.packets.received", received, LongAdder::sum)
        .description("proxyDHCP datagrams received on ports 67 and 4011").register(registry);
    FunctionCounter.builder("bootline.proxy.packets", answered, LongAdder::sum)
        .tags("result", "answered", "reason", "reply").description("proxyDHCP datagrams by outcome").register(registry);
  }

  private void register(MeterRegistry registry, Map<String, LongAdder> counters, String key, LongAdder adder) {
    String result = counters == silent ? "silent" : counters == malformed ? "malformed" : "send_failed";
    FunctionCounter.builder("bootline.proxy.packets", adder, LongAdder::sum)
        .tags("result", result, "reason", key).description("proxyDHCP datagrams by outcome").register(registry);
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Datagrams received on a configured or unconfigured interface, both ports. */
  public long received() {
    return received.sum();
  }

  /** Replies sent. */
  public long answered() {
    return answered.sum();
  }

  /** Requests deliberately not answered, by reason (not_pxe, request_for_other_server, not_our_interface, ...). */
  public Map<String, Long> silentByReason() {
    return snapshot(silent);
  }

  /** Datagrams that did not decode, by {@link MalformedPacketException#reason()}. */
  public Map<String, Long> malformedByReason() {
    return snapshot(malformed);
  }

  /** Replies the kernel refused, by exception type. */
  public Map<String, Long> sendErrorsByType() {
    return snapshot(sendErrors);
  }

  @Override
  public synchronized void close() {
    closed = true;
    sockets.forEach(UdpSocket::close);
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    sockets.clear();
    threads.clear();
  }

  private static boolean latin1(String s) {
    return StandardCharsets.ISO_8859_1.newEncoder().canEncode(s);
  }
}
