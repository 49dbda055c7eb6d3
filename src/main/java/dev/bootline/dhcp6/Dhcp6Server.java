package dev.bootline.dhcp6;

import dev.bootline.boot.BootPlan;
import dev.bootline.events.EventSink;
import dev.bootline.net.InterfaceCache;
import dev.bootline.net.NetInterface;
import dev.bootline.net.NetInterfaces;
import dev.bootline.net.ReceivedDatagram;
import dev.bootline.net.UdpSocket;
import dev.bootline.net.UdpSocketConfig;
import dev.bootline.wire.Ipv6Text;
import dev.bootline.wire.MalformedPacketException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DHCPv6 on UDP 547: joined to ff02::1:2 on each served interface, one platform receive thread (a blocking FFM
 * receive pins a virtual thread's carrier), decode → {@link Dhcp6Responder} → send out of the arrival interface →
 * event. Bad input is dropped and counted; nothing a client sends can stop the loop.
 */
public final class Dhcp6Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dhcp6Server.class);
  static final InetAddress ALL_DHCP_RELAY_AGENTS_AND_SERVERS = address("ff02::1:2");

  private final Dhcp6Responder responder;
  private final Map<Integer, String> interfaces; // ifindex -> name, only these are served
  private final EventSink events;
  private final MeterRegistry metrics;
  private final UdpSocket socket;
  private final Thread thread;
  private final int port;
  private final InterfaceCache linkCache;
  private final Counter received;
  private dev.bootline.net.SourceRateLimiter perSource = // flood (#8): dhcp6.rate-limit-per-source
      dev.bootline.net.SourceRateLimiter.perSecond(dev.bootline.net.SourceRateLimiter.DEFAULT_PER_SECOND);
  /** result → reason → counter: a registry lookup builds an id and sorts tags, too much for every packet. */
  private final Map<String, Map<String, Counter>> counters = new ConcurrentHashMap<>();
  /** The event's server name per served ifindex. */
  private final Map<Integer, String> serverNames = new java.util.HashMap<>();

  /**
   * @param interfaceNames interfaces to serve (must exist and have an IPv6 link-local address)
   * @param port 547 in production; tests may use another
   */
  public Dhcp6Server(Dhcp6Responder responder, List<String> interfaceNames, int port, EventSink events, MeterRegistry metrics)
      throws IOException {
    this(responder, interfaceNames, port, events, metrics, InterfaceCache.system(java.time.Duration.ofSeconds(5)));
  }

  /** With the daemon's shared interface cache (our global address per arrival link, looked up per packet). */
  public Dhcp6Server(Dhcp6Responder responder, List<String> interfaceNames, int port, EventSink events, MeterRegistry metrics,
      InterfaceCache linkCache) throws IOException {
    this.responder = responder;
    this.linkCache = linkCache;
    this.events = events;
    this.metrics = metrics;
    this.port = port;
    this.received = metrics.counter("bootline.dhcp6.packets.received");
    this.interfaces = new LinkedHashMap<>();
    for (String name : interfaceNames) {
      NetInterface ni = NetInterfaces.require(name); // no carrier yet means no link-local yet: fine, we join anyway
      interfaces.put(ni.index(), ni.name());
      serverNames.put(ni.index(), "dhcp6@" + ni.name());
    }
    this.socket = UdpSocket.open(UdpSocketConfig.ipv6(port).withReceiveBufferBytes(4 << 20));
    for (int idx : interfaces.keySet()) {
      socket.joinGroup(ALL_DHCP_RELAY_AGENTS_AND_SERVERS, idx);
    }
    this.thread = Thread.ofPlatform().name("dhcp6-rx").daemon().unstarted(this::loop);
  }

  /** flood (#8): dhcp6.rate-limit-per-source datagrams/s per client (0 = off); call before {@link #start()}. */
  public Dhcp6Server rateLimitPerSource(int perSecond) {
    this.perSource = dev.bootline.net.SourceRateLimiter.perSecond(perSecond);
    return this;
  }

  public void start() {
    thread.start();
    log.info("DHCPv6 listening on [::]:{} for {}", port, String.join(", ", interfaces.values()));
  }

  private void loop() {
    // A heap buffer: the message is decoded straight from its array (the decoder copies what it keeps), and replies
    // are encoded into one reused writer (#8: no per-packet arrays for the datagram or the reply).
    ByteBuffer buf = ByteBuffer.allocate(65536);
    Writer out = new Writer();
    while (socket.isOpen()) {
      ReceivedDatagram d;
      buf.clear();
      try {
        d = socket.receive(buf);
      } catch (ClosedChannelException e) { // also AsynchronousCloseException: close() woke us
        return;
      } catch (IOException e) {
        if (!socket.isOpen()) {
          return;
        }
        log.warn("DHCPv6 receive failed: {}", e.getMessage());
        continue;
      }
      received.increment(); // every datagram; packets{result} says what became of it
      if (!RelayPeer.allow(perSource, buf, d.length(), d.source().getAddress())) { count("dropped", "rate_limited"); continue; } // flood (#8)
      try {
        handle(buf, d, out);
      } catch (RuntimeException e) {
        // A bug must cost one packet, never the listener.
        count("error", e.getClass().getSimpleName());
        log.error("DHCPv6: unexpected failure handling a datagram from {}", d.source(), e);
      }
    }
  }

  private void handle(ByteBuffer buf, ReceivedDatagram d, Writer out) {
    String ifName = interfaces.get(d.ifIndex());
    if (ifName == null) {
      count("ignored", "other_interface");
      return;
    }
    if (d.truncated()) {
      count("malformed", "truncated_datagram");
      return;
    }
    Dhcp6Message msg;
    try {
      msg = Dhcp6Codec.decode(buf.array(), 0, d.length());
    } catch (MalformedPacketException e) {
      count("malformed", e.reason());
      log.debug("DHCPv6: dropped malformed datagram from {} on {}: {} ({})", d.source(), ifName, e.reason(), e.getMessage());
      return;
    }
    Inet6Address src = (Inet6Address) d.source().getAddress();
    Optional<Inet6Address> own = linkCache.byIndex(d.ifIndex())
        .flatMap(ni -> ni.ipv6Global().stream().map(NetInterface.Ipv6Address::address).findFirst());
    Dhcp6Responder.Outcome outcome = responder.respond(msg, new Dhcp6Responder.Arrival(ifName, d.ifIndex(), src, own));
    switch (outcome) {
      case Dhcp6Responder.Silent s -> {
        count("silent", s.reason());
        log.debug("DHCPv6: no answer to {} on {}: {} ({})", d.source(), ifName, s.reason(), s.detail());
      }
      case Dhcp6Responder.Answer a -> answer(a, d, ifName, out);
    }
  }

  private void answer(Dhcp6Responder.Answer a, ReceivedDatagram d, String ifName, Writer out) {
    try {
      int length = Dhcp6Codec.encode(a.reply(), out);
      socket.send(ByteBuffer.wrap(out.array(), 0, length), a.to(), d.ifIndex(), null);
    } catch (IOException e) {
      count("send_failed", "io");
      log.warn("DHCPv6: could not answer {} on {}: {}", a.to(), ifName, e.getMessage());
      return;
    }
    count("answered", lower(a.messageType()));
    String mac = a.mac().map(Object::toString).orElse(null);
    String ip = a.address().map(Ipv6Text::format).orElse(null);
    if (a.mac().isEmpty()) {
      log.info("DHCPv6 {} on {} from {}: no MAC recoverable, told NoAddrsAvail", a.messageType(), ifName, d.source());
      count("no_mac", lower(a.messageType()));
      return;
    }
    String server = serverNames.get(d.ifIndex()); // "dhcp6@" + ifName, made once per interface
    if (a.messageType().equals("DECLINE")) {
      log.warn("DHCPv6: {} declined {}: another host on {} uses this machine's derived address", mac, ip, ifName);
      events.record(mac, ip, "address_declined", Map.of("interface", ifName), server);
      return;
    }
    BootPlan plan = a.plan().orElse(null);
    Dhcp6Message inner = a.reply() instanceof RelayMessage r ? r.innermost() : a.reply();
    Optional<String> url = urlOf(a); // once: the log line and the event detail both show it
    if (log.isInfoEnabled()) {
      // The text of "DHCPv6 {} {} on {} ({}): {} -> {}{}", built directly: per exchange, on the packet thread.
      StringBuilder line = new StringBuilder(160).append("DHCPv6 ").append(a.messageType()).append(' ').append(mac)
          .append(" on ").append(ifName).append(" (").append(a.macSource()).append("): ").append(ip)
          .append(" -> ").append(plan == null ? "no boot plan" : plan.reason());
      url.ifPresent(u -> line.append(" [").append(u).append(']'));
      log.info(line.toString());
    }
    // One event per exchange: when the client is bound (Reply), not for every Advertise.
    if (plan != null && inner.is(MessageType.REPLY)) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("message", a.messageType());
      detail.put("interface", ifName);
      detail.put("mac_source", a.macSource());
      a.facts().ifPresent(f -> {
        f.primaryArch().ifPresent(arch -> detail.put("arch", arch.code()));
        f.vendorClass().ifPresent(v -> detail.put("vendor_class", v));
      });
      url.ifPresent(u -> detail.put("url", u));
      detail.put("reason", plan.reason());
      events.record(mac, ip, plan.event(), detail, server);
    }
  }

  private static Optional<String> urlOf(Dhcp6Responder.Answer a) {
    Dhcp6Message inner = a.reply() instanceof RelayMessage r ? r.innermost() : a.reply();
    return inner.option(Dhcp6Option.BootFileUrl.class).map(Dhcp6Option.BootFileUrl::url);
  }

  private void count(String result, String reason) {
    Map<String, Counter> byReason = counters.computeIfAbsent(result, r -> new ConcurrentHashMap<>());
    Counter c = byReason.get(reason); // a plain get first: the capturing lambda below is a new object per call
    if (c == null) {
      c = byReason.computeIfAbsent(reason, r -> metrics.counter("bootline.dhcp6.packets", "result", result, "reason", r));
    }
    c.increment();
  }

  /** Lower-case message type names, made once each (a counter label per answer). */
  private final Map<String, String> lowerCase = new ConcurrentHashMap<>();

  private String lower(String messageType) {
    return lowerCase.computeIfAbsent(messageType, t -> t.toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InetAddress address(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
