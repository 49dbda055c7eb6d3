package dev.bootline.dhcp4;

import static dev.bootline.dhcp4.Dhcp4OptionCodes.*;

import dev.bootline.boot.Arch;
import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPlan;
import dev.bootline.boot.BootPolicy;
import dev.bootline.boot.ClientFacts;
import dev.bootline.config.BootlineConfig;
import dev.bootline.wire.LastValue;
import dev.bootline.wire.MacAddress;
import dev.bootline.wire.MalformedPacketException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * The ProxyDHCP (UDP 67) and PXE boot server (UDP 4011) decision, without sockets: decoded request + where it arrived
 * → client facts → {@link BootPolicy} → the reply to send (or why not) and the event to record. Thread-safe: the 67
 * and 4011 receive threads share one instance.
 *
 * <p>It keeps two small, bounded, time-limited memories (the clock is injected, so tests control it):
 *
 * <ul>
 *   <li>{@code os_init} is recorded at most once per MAC per {@link #OS_INIT_QUIET}, so a busy LAN's DHCP chatter does
 *       not flood the journal.
 *   <li>Which MACs were just handed a boot file over TFTP. QEMU's (and libvirt's, Proxmox's) BIOS PXE ROM <em>is</em>
 *       iPXE and sends user class {@code iPXE} and option 175 exactly like the undionly.kpxe chainloaded from it (the
 *       captured DISCOVERs in fixtures/bios-pxe-* differ only in the vendor-class suffix, which undionly inherits from
 *       the cached proxy offer). With a menu configured, a BIOS iPXE that we have not just pointed at a boot file is
 *       treated as the machine's PXE firmware (it gets the menu); one that we did is the chainloaded iPXE and gets the
 *       HTTP URL. No loop either way: the chainloaded iPXE always comes within seconds of our TFTP answer.
 * </ul>
 */
public final class ProxyResponder {
  /** How long one os_init per MAC suppresses the next. */
  public static final Duration OS_INIT_QUIET = Duration.ofMinutes(5);
  /** How long after a TFTP boot-file answer an iPXE DHCP from that MAC counts as the chainloaded one. */
  public static final Duration CHAIN_WINDOW = Duration.ofMinutes(2);
  /** Bound of each memory; the oldest entries go first. */
  static final int MEMORY_ENTRIES = 4096;

  /** Discovery control in menu offers: unicast to the listed boot server only (dnsmasq's accepted shape uses 3). */
  static final int MENU_DISCOVERY_CONTROL =
      PxeSubOption.DiscoveryControl.DISABLE_BROADCAST | PxeSubOption.DiscoveryControl.DISABLE_MULTICAST;

  static final Inet4Address LIMITED_BROADCAST = Ipv4.of(new byte[] {-1, -1, -1, -1});
  private static final InetSocketAddress BROADCAST_TO_CLIENT = new InetSocketAddress(LIMITED_BROADCAST, 68);

  /** Which service the request came to. */
  public enum Service {
    PROXY_67(67),
    BOOT_SERVER_4011(4011);

    public final int port;

    Service(int port) {
      this.port = port;
    }
  }

  /**
   * Where a request arrived.
   *
   * @param serverAddress bootline's IPv4 address on that interface: option 54, siaddr and the boot server address
   * @param destination the datagram's destination (255.255.255.255 or one of our addresses)
   */
  public record Arrival(
      Service service,
      String interfaceName,
      int ifIndex,
      Inet4Address serverAddress,
      InetSocketAddress source,
      InetAddress destination) {}

  /** An event for {@code EventSink.record(mac, ip, name, detail, server)}. */
  public record Event(String mac, String ip, String name, Map<String, Object> detail) {}

  /** What to do with one request. */
  public sealed interface Outcome {
    Optional<Event> event();
  }

  /**
   * Send {@code message} to {@code destination} out of {@code ifIndex} (0 = let routing choose) from {@code source}.
   */
  public record Reply(
      Dhcp4Message message,
      InetSocketAddress destination,
      boolean broadcast,
      int ifIndex,
      Inet4Address source,
      ClientFacts facts,
      BootPlan plan,
      Optional<Event> event)
      implements Outcome {}

  /** Say nothing; {@code reason} is a short counter key, {@code detail} a sentence for the log. */
  public record Silent(
      String reason, String detail, Optional<ClientFacts> facts, Optional<BootPlan> plan, Optional<Event> event)
      implements Outcome {}

  private final BootlineConfig config;
  private final BootPolicy policy;
  private final Assignment.Source assignments;
  private final LongSupplier nanoClock;
  private final Map<MacAddress, Long> osInitSeen = boundedMap();
  private final Map<MacAddress, Long> bootFileHandedOut = boundedMap();

  public ProxyResponder(BootlineConfig config, BootPolicy policy, Assignment.Source assignments) {
    this(config, policy, assignments, System::nanoTime);
  }

  /** With a monotonic clock in nanoseconds (tests pass a fake one). */
  public ProxyResponder(
      BootlineConfig config, BootPolicy policy, Assignment.Source assignments, LongSupplier nanoClock) {
    this.config = config;
    this.policy = policy;
    this.assignments = assignments;
    this.nanoClock = nanoClock;
  }

  /**
   * Decides the answer to one decoded request. Throws {@link MalformedPacketException} for what the server counts as
   * malformed (not Ethernet, an unreadable option 43).
   */
  public Outcome respond(Dhcp4Message request, Arrival arrival) throws MalformedPacketException {
    if (!request.isRequest()) {
      return silent("not_bootrequest", "op " + request.op() + " is not a BOOTREQUEST");
    }
    Optional<Dhcp4MessageType> type = request.messageType();
    if (type.isEmpty()) {
      return silent("no_message_type", "BOOTP without option 53");
    }
    MacAddress mac = request.requireEthernetMac();
    Dhcp4Options o = request.options();
    Optional<VendorClass> vendor = o.vendorClass(); // parsed once per packet, not once per question
    boolean pxeOrHttp = vendor.isPresent() && (vendor.get().isPxeClient() || vendor.get().isHttpClient());
    if (!pxeOrHttp) {
      if (type.get() == Dhcp4MessageType.DISCOVER && arrival.service() == Service.PROXY_67) {
        return osInit(request, mac, arrival);
      }
      return silent("not_pxe", type.get() + " without PXEClient/HTTPClient vendor class");
    }
    boolean acceptable =
        switch (arrival.service()) {
          case PROXY_67 ->
              type.get() == Dhcp4MessageType.DISCOVER
                  || (type.get() == Dhcp4MessageType.REQUEST
                      && o.serverIdentifier().map(arrival.serverAddress()::equals).orElse(false));
          case BOOT_SERVER_4011 ->
              type.get() == Dhcp4MessageType.REQUEST || type.get() == Dhcp4MessageType.INFORM;
        };
    if (!acceptable) {
      String why =
          type.get() == Dhcp4MessageType.REQUEST
              ? "REQUEST for DHCP server " + o.serverIdentifier().map(InetAddress::getHostAddress).orElse("(none)")
              : type.get() + " is not answered on port " + arrival.service().port;
      return silent(type.get() == Dhcp4MessageType.REQUEST ? "request_for_other_server" : "unanswered_type", why);
    }

    Optional<PxeSubOption.BootItem> bootItem = bootItem(request, arrival);
    ClientFacts facts = facts(request, mac, arrival, bootItem, vendor);
    BootPlan plan = policy.decide(facts, assignments);
    Outcome outcome = answer(request, arrival, facts, plan, bootItem);
    if (outcome instanceof Reply r && plan instanceof BootPlan.TftpFile) {
      remember(bootFileHandedOut, mac);
    }
    return outcome;
  }

  // ---- facts

  /**
   * The facts {@link #respond} would derive from a PXE/HTTP-boot request arriving at {@code arrival}, without deciding
   * or remembering anything: {@code bootline decode} and {@code explain} show them.
   */
  public ClientFacts facts(Dhcp4Message request, Arrival arrival) throws MalformedPacketException {
    return facts(request, request.requireEthernetMac(), arrival, bootItem(request, arrival),
        request.options().vendorClass());
  }

  private static Optional<PxeSubOption.BootItem> bootItem(Dhcp4Message request, Arrival arrival)
      throws MalformedPacketException {
    return arrival.service() == Service.BOOT_SERVER_4011
        ? request.options().pxeVendorOptions().flatMap(PxeVendorOptions::bootItem)
        : Optional.empty();
  }

  private ClientFacts facts(Dhcp4Message request, MacAddress mac, Arrival arrival,
      Optional<PxeSubOption.BootItem> bootItem, Optional<VendorClass> vendor) {
    Dhcp4Options o = request.options();
    List<Integer> codes = o.clientArchitectures();
    List<Arch> archs = new ArrayList<>(codes.size());
    for (int code : codes) {
      archs.add(new Arch(code));
    }
    Optional<String> vendorClass = vendor.map(VendorClass::text);
    boolean ipxe = o.isIpxe() || o.contains(IPXE_ENCAPSULATED);
    if (ipxe && isIpxeRomActingAsPxeFirmware(mac, archs, vendorClass)) {
      ipxe = false;
    }
    return new ClientFacts(
        arrival.service() == Service.PROXY_67
            ? ClientFacts.Protocol.DHCP4_PROXY
            : ClientFacts.Protocol.DHCP4_BOOT_SERVER,
        mac,
        "chaddr",
        archs,
        vendorClass,
        ipxe,
        true,
        bootItem.map(b -> OptionalInt.of(b.type())).orElse(OptionalInt.empty()),
        arrival.interfaceName(),
        serverText(arrival.serverAddress()));
  }

  /** The server address as text, kept for the last one (the same on every packet of a link). */
  private static final LastValue<Inet4Address, Optional<String>> SERVER_TEXT =
      new LastValue<>(ProxyResponder::hostText);

  private static Optional<String> serverText(Inet4Address address) {
    return address == null ? Optional.empty() : SERVER_TEXT.get(address);
  }

  private static Optional<String> hostText(Inet4Address address) {
    return Optional.of(address.getHostAddress());
  }

  /** See the class comment: a BIOS iPXE ROM gets the configured menu unless we just pointed it at a boot file. */
  private boolean isIpxeRomActingAsPxeFirmware(MacAddress mac, List<Arch> archs, Optional<String> vendorClass) {
    if (config.proxyDhcp().menu().isEmpty() || vendorClass.filter(v -> v.startsWith("PXEClient")).isEmpty()) {
      return false;
    }
    Optional<Arch> arch =
        archs.isEmpty() ? vendorClass.flatMap(Arch::fromVendorClass) : Optional.of(archs.getFirst());
    return arch.filter(a -> a.family() == Arch.Family.BIOS && !a.isHttpBoot()).isPresent()
        && !seenWithin(bootFileHandedOut, mac, CHAIN_WINDOW);
  }

  // ---- replies

  private Outcome answer(
      Dhcp4Message request,
      Arrival arrival,
      ClientFacts facts,
      BootPlan plan,
      Optional<PxeSubOption.BootItem> bootItem) {
    boolean bootServer = arrival.service() == Service.BOOT_SERVER_4011;
    Inet4Address us = arrival.serverAddress();
    Dhcp4MessageType replyType =
        bootServer || request.messageType().orElseThrow() == Dhcp4MessageType.REQUEST
            ? Dhcp4MessageType.ACK
            : Dhcp4MessageType.OFFER;
    boolean uefi = facts.primaryArch().map(Arch::isUefi).orElse(false);
    boolean http = facts.isHttpBootFirmware();
    Dhcp4ReplyBuilder b =
        Dhcp4Message.replyTo(request, replyType)
            .serverIdentifier(us)
            .vendorClass(http ? "HTTPClient" : "PXEClient")
            .siaddr(us);
    if (bootServer) {
      b.ciaddr(request.ciaddr()); // dnsmasq's menu ACK keeps it; both ROMs in the fixtures accept that
    }
    Map<String, Object> detail = detail(facts, arrival, plan);
    switch (plan) {
      case BootPlan.Ignore i -> {
        return new Silent("ignored", i.reason(), Optional.of(facts), Optional.of(plan), event(request, facts, plan, detail));
      }
      case BootPlan.AddressOnly a -> {
        return new Silent("address_only", a.reason(), Optional.of(facts), Optional.of(plan), event(request, facts, plan, detail));
      }
      case BootPlan.TftpFile t -> {
        if (!bootServer && uefi) {
          // Several EDK2 builds drop proxy offers with option 43, and without it they ask 4011 for the file anyway.
          detail.put("next", "boot server 4011");
        } else {
          b.file(t.path());
          bootItem.ifPresent(item -> b.pxeVendorOptions(PxeVendorOptions.of(item)));
        }
        detail.put("file", t.path());
      }
      case BootPlan.HttpUrl h -> {
        setBootFile(b, h.url());
        detail.put("url", h.url());
      }
      case BootPlan.Menu m -> {
        if (!bootServer && uefi) {
          detail.put("next", "boot server 4011");
        } else {
          b.pxeVendorOptions(menuOptions(m.menu(), us));
        }
      }
      case BootPlan.LocalBoot l -> {
        if (bootServer && bootItem.isPresent()) {
          // A choice we cannot serve a file for: dnsmasq is silent too, and the ROM falls back to its next device.
          return new Silent("local_boot", l.reason(), Optional.of(facts), Optional.of(plan), event(request, facts, plan, detail));
        }
        if (!bootServer && uefi) {
          detail.put("next", "boot server 4011");
        } else {
          b.pxeVendorOptions(localBootOptions());
        }
      }
    }
    return reply(b, request, arrival, facts, plan, event(request, facts, plan, detail));
  }

  private static void setBootFile(Dhcp4ReplyBuilder b, String name) {
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 128) {
      b.file(name);
    } else {
      b.bootfileName(name); // only option 67 holds a long URL
    }
  }

  private Reply reply(
      Dhcp4ReplyBuilder b,
      Dhcp4Message request,
      Arrival arrival,
      ClientFacts facts,
      BootPlan plan,
      Optional<Event> event) {
    Inet4Address us = arrival.serverAddress();
    if (arrival.service() == Service.BOOT_SERVER_4011) {
      InetSocketAddress src = arrival.source();
      boolean noAddress = src.getAddress().isAnyLocalAddress();
      InetSocketAddress to = noAddress ? new InetSocketAddress(LIMITED_BROADCAST, src.getPort()) : src;
      return new Reply(b.build(), to, noAddress, noAddress ? arrival.ifIndex() : 0, us, facts, plan, event);
    }
    if (!request.giaddr().isAnyLocalAddress()) {
      return new Reply(b.build(), new InetSocketAddress(request.giaddr(), 67), false, 0, us, facts, plan, event);
    }
    b.broadcast(true); // we broadcast, so say so (dnsmasq sets the flag too)
    return new Reply(b.build(), BROADCAST_TO_CLIENT, true, arrival.ifIndex(), us, facts, plan, event);
  }

  /**
   * Option 43 for a menu: discovery control, this server for every item's type, the items (local ones as PXE type 0,
   * which the ROM handles itself by booting the next device) and the prompt.
   */
  public static PxeVendorOptions menuOptions(BootlineConfig.Menu menu, Inet4Address server) {
    List<PxeSubOption.BootServer> servers = new ArrayList<>();
    List<PxeSubOption.MenuItem> items = new ArrayList<>();
    for (int i = 0; i < menu.items().size(); i++) {
      BootlineConfig.MenuItem item = menu.items().get(i);
      if (item.boot() instanceof BootlineConfig.MenuBoot.Local) {
        items.add(new PxeSubOption.MenuItem(0, item.label()));
      } else {
        int type = BootPolicy.menuItemType(i);
        servers.add(new PxeSubOption.BootServer(type, List.of(server)));
        items.add(new PxeSubOption.MenuItem(type, item.label()));
      }
    }
    List<PxeSubOption> subs = new ArrayList<>();
    subs.add(new PxeSubOption.DiscoveryControl(MENU_DISCOVERY_CONTROL));
    if (!servers.isEmpty()) {
      subs.add(new PxeSubOption.BootServers(servers));
    }
    subs.add(new PxeSubOption.BootMenu(items));
    subs.add(new PxeSubOption.MenuPrompt(menu.timeoutSeconds(), menu.prompt()));
    return new PxeVendorOptions(subs);
  }

  /** A one-item menu whose only item is local boot (type 0), chosen at once (timeout 0): "boot from disk". */
  static PxeVendorOptions localBootOptions() {
    return PxeVendorOptions.of(
        new PxeSubOption.DiscoveryControl(MENU_DISCOVERY_CONTROL),
        new PxeSubOption.BootMenu(List.of(new PxeSubOption.MenuItem(0, "Boot from local disk"))),
        new PxeSubOption.MenuPrompt(0, "Booting from local disk"));
  }

  // ---- events

  private Map<String, Object> detail(ClientFacts facts, Arrival arrival, BootPlan plan) {
    Map<String, Object> d = new LinkedHashMap<>();
    facts.primaryArch().ifPresent(a -> d.put("arch", a.code()));
    d.put("interface", arrival.interfaceName());
    d.put("port", arrival.service().port);
    d.put("reason", plan.reason());
    facts.vendorClass().ifPresent(v -> d.put("vendor_class", v));
    if (facts.menuItem().isPresent()) {
      int type = facts.menuItem().getAsInt();
      d.put("menu_item_type", type);
      menuLabel(type).ifPresent(l -> d.put("label", l));
    }
    return d;
  }

  private Optional<String> menuLabel(int type) {
    return config
        .proxyDhcp()
        .menu()
        .flatMap(
            m -> {
              int index = type - BootPolicy.menuItemType(0);
              if (type == 0) {
                return m.items().stream()
                    .filter(i -> i.boot() instanceof BootlineConfig.MenuBoot.Local)
                    .map(BootlineConfig.MenuItem::label)
                    .findFirst()
                    .or(() -> Optional.of("local boot"));
              }
              return index >= 0 && index < m.items().size()
                  ? Optional.of(m.items().get(index).label())
                  : Optional.empty();
            });
  }

  private static Optional<Event> event(
      Dhcp4Message request, ClientFacts facts, BootPlan plan, Map<String, Object> detail) {
    String ip = request.ciaddr().isAnyLocalAddress() ? null : request.ciaddr().getHostAddress();
    // A read-only view, not Map.copyOf: the map is this call's own and never changes after, and the event log copies
    // it into its compact form anyway (one copy per packet less).
    return Optional.of(new Event(facts.mac().toString(), ip, plan.event(), java.util.Collections.unmodifiableMap(detail)));
  }

  private Outcome osInit(Dhcp4Message request, MacAddress mac, Arrival arrival) {
    Optional<Event> event = Optional.empty();
    if (!seenWithin(osInitSeen, mac, OS_INIT_QUIET)) {
      remember(osInitSeen, mac);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("interface", arrival.interfaceName());
      d.put("port", arrival.service().port);
      request.options().vendorClass().ifPresent(v -> d.put("vendor_class", v.text()));
      d.put("reason", "DHCPDISCOVER without PXEClient/HTTPClient vendor class: a booted OS");
      event = Optional.of(new Event(mac.toString(), null, "os_init", Map.copyOf(d)));
    }
    return new Silent(
        "not_pxe", "DISCOVER without PXEClient/HTTPClient vendor class", Optional.empty(), Optional.empty(), event);
  }

  private static Silent silent(String reason, String detail) {
    return new Silent(reason, detail, Optional.empty(), Optional.empty(), Optional.empty());
  }

  // ---- bounded memories

  private boolean seenWithin(Map<MacAddress, Long> memory, MacAddress mac, Duration window) {
    synchronized (memory) {
      Long at = memory.get(mac);
      return at != null && nanoClock.getAsLong() - at < window.toNanos();
    }
  }

  private void remember(Map<MacAddress, Long> memory, MacAddress mac) {
    synchronized (memory) {
      memory.put(mac, nanoClock.getAsLong());
    }
  }

  private static Map<MacAddress, Long> boundedMap() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<MacAddress, Long> eldest) {
        return size() > MEMORY_ENTRIES;
      }
    };
  }
}
