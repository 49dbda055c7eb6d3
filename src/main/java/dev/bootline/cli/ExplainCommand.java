package dev.bootline.cli;

import dev.bootline.boot.Arch;
import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigException;
import dev.bootline.config.ConfigLoader;
import dev.bootline.dhcp4.Dhcp4Message;
import dev.bootline.dhcp4.Dhcp4OptionCodes;
import dev.bootline.dhcp4.ProxyResponder;
import dev.bootline.dhcp4.PxeSubOption;
import dev.bootline.dhcp4.PxeVendorOptions;
import dev.bootline.dhcp6.ClientServerMessage;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Option;
import dev.bootline.dhcp6.Dhcp6Responder;
import dev.bootline.dhcp6.Duid;
import dev.bootline.dhcp6.MessageType;
import dev.bootline.wire.Ipv6Text;
import dev.bootline.wire.MacAddress;
import dev.bootline.wire.MalformedPacketException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bootline explain}: what one machine would be told. It builds the request such a client sends, encodes and
 * decodes it with the servers' codec, and hands it to the very responder the daemon runs (no sockets, no journal), so
 * the facts, the plan and the reply are the servers' own, not a re-implementation.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Show the client facts, boot plan, reason and reply bootline would give one machine (no network).")
public final class ExplainCommand implements Callable<Integer> {
  static final String DEFAULT_V4_SERVER = "192.0.2.1";
  static final String DEFAULT_V6_SERVER = "2001:db8::1";

  @Option(names = {"--config", "-config", "-c"}, paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(names = "--mac", required = true, paramLabel = "MAC", description = "The machine's MAC address.")
  String mac;

  @Option(names = "--arch", paramLabel = "N", description = "Client architecture (option 93/61), e.g. 0 BIOS, 7 x64 UEFI, 16 x64 HTTP.")
  Integer arch;

  @Option(names = "--vendor-class", paramLabel = "TEXT",
      description = "Vendor class (default: PXEClient:Arch:NNNNN:UNDI:003016, HTTPClient:Arch:NNNNN for HTTP archs; 'none' = send none).")
  String vendorClass;

  @Option(names = "--user-class", paramLabel = "TEXT", description = "User class, e.g. iPXE.")
  String userClass;

  @Option(names = "--v6", description = "Explain a DHCPv6 Solicit (asking for option 59) instead of a DHCPv4 proxy DISCOVER.")
  boolean v6;

  @Option(names = "--boot-server", description = "DHCPv4: the REQUEST to the PXE boot server (UDP 4011) instead of the proxy DISCOVER.")
  boolean bootServer;

  @Option(names = "--menu-item", paramLabel = "N",
      description = "DHCPv4: the client chose item N (1-based, as the menu lists them) and asks the boot server (implies --boot-server).")
  Integer menuItem;

  @Option(names = {"--interface", "-interface"}, paramLabel = "NAME", defaultValue = "eth0", description = "Arrival interface name (default ${DEFAULT-VALUE}).")
  String interfaceName;

  @Option(names = "--server-address", paramLabel = "ADDR",
      description = "bootline's address on that link (default " + DEFAULT_V4_SERVER + " / " + DEFAULT_V6_SERVER + ").")
  String serverAddress;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    Optional<MacAddress> m = MacAddress.parse(mac);
    if (m.isEmpty()) {
      System.err.println("bootline explain: --mac '" + mac + "' is not a MAC address");
      return 2;
    }
    BootlineConfig cfg;
    try {
      cfg = ConfigLoader.load(Optional.ofNullable(config), List.of());
    } catch (ConfigException e) {
      System.err.println("bootline explain: " + e.getMessage());
      return 2;
    }
    try {
      return v6 ? explain6(cfg, m.get(), out) : explain4(cfg, m.get(), out);
    } catch (IllegalArgumentException | MalformedPacketException | UnknownHostException e) {
      System.err.println("bootline explain: " + e.getMessage());
      return 2;
    }
  }

  private String vendorClassText() {
    if (vendorClass != null) {
      return vendorClass.equals("none") ? null : vendorClass;
    }
    if (arch == null) {
      return "PXEClient";
    }
    Arch a = new Arch(arch);
    return a.isHttpBoot() ? String.format("HTTPClient:Arch:%05d", arch) : String.format("PXEClient:Arch:%05d:UNDI:003016", arch);
  }

  // ---- DHCPv4

  private int explain4(BootlineConfig cfg, MacAddress m, PrintStream out) throws MalformedPacketException, UnknownHostException {
    Inet4Address server = (Inet4Address) parse(serverAddress == null ? DEFAULT_V4_SERVER : serverAddress, Inet4Address.class);
    boolean toBootServer = bootServer || menuItem != null;
    Optional<Integer> itemType = Optional.empty();
    if (menuItem != null) {
      BootlineConfig.Menu menu = cfg.proxyDhcp().menu()
          .orElseThrow(() -> new IllegalArgumentException("--menu-item needs proxy-dhcp.menu in the config"));
      // The type the client sends back is the one the proxy's own option 43 gave that item.
      List<PxeSubOption.MenuItem> items = ProxyResponder.menuOptions(menu, server).bootMenu().orElseThrow().items();
      if (menuItem < 1 || menuItem > items.size()) {
        throw new IllegalArgumentException("--menu-item " + menuItem + ": the menu has items 1.." + items.size());
      }
      itemType = Optional.of(items.get(menuItem - 1).type());
    }
    Dhcp4Message request = Dhcp4Message.decode(request4(m, toBootServer, itemType));
    ProxyResponder responder = new ProxyResponder(cfg, new BootPolicy(cfg), Assignment.Source.NONE);
    ProxyResponder.Service service = toBootServer ? ProxyResponder.Service.BOOT_SERVER_4011 : ProxyResponder.Service.PROXY_67;
    var arrival = new ProxyResponder.Arrival(service, interfaceName, 0, server,
        new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 68), InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}));

    out.println("request (DHCPv4 " + (toBootServer ? "REQUEST to the boot server, UDP 4011" : "DISCOVER to the proxy, UDP 67")
        + ", arriving on " + interfaceName + ", bootline at " + server.getHostAddress() + "):");
    out.print(Render.dhcp4(request, "  "));
    if (!cfg.proxyDhcp().enabled()) {
      out.println("note: proxy-dhcp.enabled is false in this config: the daemon would not listen on 67/4011 at all");
    }
    ProxyResponder.Outcome outcome = responder.respond(request, arrival);
    switch (outcome) {
      case ProxyResponder.Reply r -> {
        out.println("client facts:");
        out.print(Render.facts(r.facts(), "  "));
        out.println("boot plan:");
        out.print(Render.plan(r.plan(), "  "));
        Dhcp4Message reply = r.message();
        out.println("reply: " + reply.messageType().map(Enum::name).orElse("?") + " to "
            + r.destination().getAddress().getHostAddress() + ":" + r.destination().getPort() + (r.broadcast() ? " (broadcast)" : ""));
        out.println("  siaddr:             " + reply.siaddr().getHostAddress());
        out.println("  file:               " + reply.fileField().map(f -> "'" + f + "'").orElse("(empty)"));
        reply.options().bootfileName().ifPresent(f -> out.println("  option 67:          '" + f + "'"));
        out.println("  option 60:          " + reply.options().vendorClass().map(v -> "'" + v.text() + "'").orElse("(none)"));
        Optional<PxeVendorOptions> pxe = reply.options().pxeVendorOptions();
        if (pxe.isEmpty()) {
          out.println("  option 43:          (none)" + (r.plan() instanceof dev.bootline.boot.BootPlan.Menu
              || r.plan() instanceof dev.bootline.boot.BootPlan.LocalBoot
              ? " - UEFI firmware gets the menu from the boot server (UDP 4011) instead" : ""));
        } else {
          out.println("  option 43:          " + pxe.get().encodedLength() + " bytes, " + Render.pxe(pxe.get(), "    "));
        }
        out.println("full reply:");
        out.print(Render.dhcp4(reply, "  "));
      }
      case ProxyResponder.Silent s -> {
        s.facts().ifPresent(f -> {
          out.println("client facts:");
          out.print(Render.facts(f, "  "));
        });
        s.plan().ifPresent(p -> {
          out.println("boot plan:");
          out.print(Render.plan(p, "  "));
        });
        if (s.facts().isEmpty()) {
          out.println("client facts:        none: the request is not one bootline derives facts from");
        }
        out.println("reply: none (silent: " + s.reason() + ": " + s.detail() + ")");
      }
    }
    return 0;
  }

  private byte[] request4(MacAddress m, boolean toBootServer, Optional<Integer> itemType) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    byte[] header = new byte[Dhcp4Message.OPTIONS_OFFSET];
    header[0] = Dhcp4Message.BOOTREQUEST;
    header[1] = Dhcp4Message.HTYPE_ETHERNET;
    header[2] = 6;
    header[4] = 0x0b; // a fixed xid: the output is reproducible
    header[5] = 0x00;
    header[6] = 0x71;
    header[7] = 0x1e;
    System.arraycopy(m.bytes(), 0, header, 28, 6);
    header[236] = 0x63;
    header[237] = (byte) 0x82;
    header[238] = 0x53;
    header[239] = 0x63;
    o.writeBytes(header);
    option(o, Dhcp4OptionCodes.MESSAGE_TYPE, new byte[] {(byte) (toBootServer ? 3 : 1)});
    if (arch != null) {
      option(o, Dhcp4OptionCodes.CLIENT_SYSTEM_ARCHITECTURE, new byte[] {(byte) (arch >> 8), (byte) (int) arch});
    }
    String vc = vendorClassText();
    if (vc != null) {
      option(o, Dhcp4OptionCodes.VENDOR_CLASS_IDENTIFIER, vc.getBytes(StandardCharsets.ISO_8859_1));
    }
    if (userClass != null) {
      option(o, Dhcp4OptionCodes.USER_CLASS, userClass.getBytes(StandardCharsets.ISO_8859_1)); // raw, as iPXE sends it
    }
    itemType.ifPresent(t -> option(o, Dhcp4OptionCodes.VENDOR_SPECIFIC, PxeVendorOptions.of(new PxeSubOption.BootItem(t, 0)).encode()));
    o.write(Dhcp4OptionCodes.END);
    while (o.size() < Dhcp4Message.BOOTP_MIN_LENGTH) {
      o.write(0);
    }
    return o.toByteArray();
  }

  private static void option(ByteArrayOutputStream o, int code, byte[] data) {
    o.write(code);
    o.write(data.length);
    o.writeBytes(data);
  }

  // ---- DHCPv6

  private int explain6(BootlineConfig cfg, MacAddress m, PrintStream out) throws MalformedPacketException, UnknownHostException {
    if (cfg.dhcp6().baseAddress().isEmpty()) {
      throw new IllegalArgumentException("--v6 needs dhcp6.base-address in the config (addresses are prefix ‖ MAC)");
    }
    Inet6Address server = (Inet6Address) parse(serverAddress == null ? DEFAULT_V6_SERVER : serverAddress, Inet6Address.class);
    ClientServerMessage.Builder b = ClientServerMessage.builder(MessageType.SOLICIT, 0x0b711e)
        .add(new Dhcp6Option.ClientId(Duid.Ll.ethernet(m)))
        .add(Dhcp6Option.IaNa.of(1, 0, 0))
        .add(Dhcp6Option.OptionRequest.of(Dhcp6Option.BOOTFILE_URL, Dhcp6Option.DNS_SERVERS));
    if (arch != null) {
      b.add(Dhcp6Option.ClientArch.of(arch));
    }
    String vc = vendorClassText();
    if (vc != null) {
      b.add(Dhcp6Option.VendorClass.of(Dhcp6Option.ENTERPRISE_INTEL, vc));
    }
    if (userClass != null) {
      b.add(Dhcp6Option.UserClass.of(userClass));
    }
    var request = Dhcp6Codec.decode(Dhcp6Codec.encode(b.build()));
    // The client's link-local address, EUI-64 from its MAC, as firmware uses.
    Inet6Address source = linkLocal(m);
    Duid serverDuid = Duid.Ll.ethernet(MacAddress.parse("02:00:00:00:00:01").orElseThrow());
    var responder = new Dhcp6Responder(cfg, new BootPolicy(cfg), Assignment.Source.NONE, serverDuid);
    var arrival = new Dhcp6Responder.Arrival(interfaceName, 0, source, Optional.of(server));

    out.println("request (DHCPv6 Solicit from " + Ipv6Text.format(source) + " on " + interfaceName + ", bootline at "
        + Ipv6Text.format(server) + "):");
    out.print(Render.dhcp6(request, "  "));
    if (!cfg.dhcp6().enabled()) {
      out.println("note: dhcp6.enabled is false in this config: the daemon would not listen on 547 at all");
    }
    switch (responder.respond(request, arrival)) {
      case Dhcp6Responder.Answer a -> {
        if (a.facts().isPresent()) {
          out.println("client facts:");
          out.print(Render.facts(a.facts().get(), "  "));
        } else {
          out.println("client facts:        none (" + a.macSource() + ")");
        }
        a.plan().ifPresent(p -> {
          out.println("boot plan:");
          out.print(Render.plan(p, "  "));
        });
        ClientServerMessage reply = (ClientServerMessage) a.reply();
        out.println("reply: " + reply.type().map(Enum::name).orElse("?") + " to [" + Ipv6Text.format((Inet6Address) a.to().getAddress())
            + "]:" + a.to().getPort());
        a.address().ifPresent(x -> out.println("  address (IA_NA):    " + Ipv6Text.format(x)));
        out.println("  option 59 URL:      " + reply.option(Dhcp6Option.BootFileUrl.class)
            .map(u -> u.value().toString(StandardCharsets.UTF_8)).orElse("(none)"));
        out.println("  vendor class (16):  " + reply.option(Dhcp6Option.VendorClass.class)
            .map(v -> "enterprise " + v.enterpriseNumber() + " " + v.data()).orElse("(none)"));
        out.println("full reply:");
        out.print(Render.dhcp6(reply, "  "));
      }
      case Dhcp6Responder.Silent s -> out.println("reply: none (silent: " + s.reason() + ": " + s.detail() + ")");
    }
    return 0;
  }

  static Inet6Address linkLocal(MacAddress m) throws UnknownHostException {
    byte[] a = new byte[16];
    a[0] = (byte) 0xfe;
    a[1] = (byte) 0x80;
    byte[] mac = m.bytes();
    a[8] = (byte) (mac[0] ^ 0x02);
    a[9] = mac[1];
    a[10] = mac[2];
    a[11] = (byte) 0xff;
    a[12] = (byte) 0xfe;
    a[13] = mac[3];
    a[14] = mac[4];
    a[15] = mac[5];
    return (Inet6Address) InetAddress.getByAddress(a);
  }

  private static InetAddress parse(String text, Class<? extends InetAddress> kind) throws UnknownHostException {
    // Literal addresses only: no name lookups from a command that promises no network.
    if (!text.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("--server-address '" + text + "' is not an IP address literal");
    }
    InetAddress a = InetAddress.getByName(text);
    if (!kind.isInstance(a)) {
      throw new IllegalArgumentException("--server-address " + text + " is not an " + (kind == Inet4Address.class ? "IPv4" : "IPv6") + " address");
    }
    return a;
  }
}
