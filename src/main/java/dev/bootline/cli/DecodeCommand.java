package dev.bootline.cli;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.boot.ClientFacts;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigException;
import dev.bootline.config.ConfigLoader;
import dev.bootline.dhcp4.Dhcp4Message;
import dev.bootline.dhcp4.Dhcp4OptionCodes;
import dev.bootline.dhcp4.ProxyResponder;
import dev.bootline.dhcp6.ClientServerMessage;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Message;
import dev.bootline.dhcp6.Dhcp6Responder;
import dev.bootline.dhcp6.MacRecovery;
import dev.bootline.dhcp6.MessageType;
import dev.bootline.dhcp6.RelayMessage;
import dev.bootline.pcap.Frame;
import dev.bootline.pcap.PcapFormatException;
import dev.bootline.pcap.PcapReader;
import dev.bootline.pcap.UdpDatagram;
import dev.bootline.tftp.TftpCodec;
import dev.bootline.tftp.TftpPacket;
import dev.bootline.wire.Ipv6Text;
import dev.bootline.wire.MalformedPacketException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bootline decode}: prints captured DHCPv4, DHCPv6 and TFTP packets with the server's own codecs, and for
 * client messages the facts (and plan) bootline would derive, from a pcap/pcapng file or one hex payload.
 */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = "Print DHCPv4/DHCPv6/TFTP packets from a capture (pcap or pcapng) or a hex UDP payload, decoded as bootline reads them.")
public final class DecodeCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "FILE.pcap", description = "Capture file (classic pcap or pcapng).")
  Path file;

  @Option(names = "--hex", paramLabel = "HEX", description = "One UDP payload as hex instead of a capture.")
  String hex;

  @ArgGroup(exclusive = true)
  Kind kind;

  static final class Kind {
    @Option(names = "--v4", description = "The hex is DHCPv4.") boolean v4;
    @Option(names = "--v6", description = "The hex is DHCPv6.") boolean v6;
    @Option(names = "--tftp", description = "The hex is TFTP.") boolean tftp;
  }

  @Option(names = {"--config", "-config", "-c"}, paramLabel = "FILE",
      description = "Config to decide plans with (default: built-in defaults, no menu, no template).")
  Path config;

  @Option(names = "--boot-server", description = "--hex DHCPv4: the request came to UDP 4011.")
  boolean bootServer;

  @Option(names = "--server-address", paramLabel = "ADDR",
      description = "bootline's IPv4 address for broadcast requests (the template's {{.ServerAddress}}); default: unknown (0.0.0.0).")
  String serverAddress;

  enum Protocol { DHCP4, DHCP6, TFTP }

  /** Counts for the closing summary line. */
  static final class Counts {
    int frames, udp, dhcp4, dhcp6, tftp, malformed;
  }

  private BootlineConfig cfg;
  private ProxyResponder proxy;
  private BootPolicy policy;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    if ((file == null) == (hex == null)) {
      System.err.println("bootline decode: give a capture FILE or --hex HEX (one of them)");
      return 2;
    }
    try {
      cfg = ConfigLoader.load(Optional.ofNullable(config), List.of());
    } catch (ConfigException e) {
      System.err.println("bootline decode: " + e.getMessage());
      return 2;
    }
    policy = new BootPolicy(cfg);
    proxy = new ProxyResponder(cfg, policy, Assignment.Source.NONE);
    Counts n = new Counts();
    if (hex != null) {
      byte[] payload;
      try {
        payload = HexFormat.of().parseHex(hex.replaceAll("[\\s:]", ""));
      } catch (IllegalArgumentException e) {
        System.err.println("bootline decode: --hex is not hex: " + e.getMessage());
        return 2;
      }
      Protocol p = kind == null ? guess(payload) : kind.v4 ? Protocol.DHCP4 : kind.v6 ? Protocol.DHCP6 : Protocol.TFTP;
      int port = p == Protocol.DHCP4 ? (bootServer ? 4011 : 67) : p == Protocol.DHCP6 ? 547 : 69;
      decodePayload(p, payload, null, port, out, n);
      return n.malformed == 0 ? 0 : 1;
    }
    List<Frame> frames;
    try {
      frames = PcapReader.read(Files.readAllBytes(file));
    } catch (IOException e) {
      System.err.println("bootline decode: cannot read " + file + ": " + e.getMessage());
      return 2;
    } catch (PcapFormatException e) {
      System.err.println("bootline decode: " + file + " is not a readable capture: " + e.getMessage());
      return 2;
    }
    Set<String> tftpClients = new HashSet<>(); // "addr|port" of clients that sent a request to port 69
    long t0 = frames.isEmpty() ? 0 : frames.getFirst().timeNanos();
    for (Frame f : frames) {
      n.frames++;
      Optional<UdpDatagram> u = PcapReader.udp(f);
      if (u.isEmpty()) {
        continue;
      }
      n.udp++;
      UdpDatagram d = u.get();
      Protocol p = classify(d, tftpClients);
      if (p == null) {
        continue;
      }
      out.printf("#%d t=%.3fs %s -> %s %s%n", f.number(), (f.timeNanos() - t0) / 1e9, endpoint(d.source(), d.sourcePort()),
          endpoint(d.destination(), d.destinationPort()), p);
      decodePayload(p, d.payload(), d, d.destinationPort(), out, n);
      out.println();
    }
    out.printf("%d frames, %d UDP: %d DHCPv4, %d DHCPv6, %d TFTP, %d malformed%n", n.frames, n.udp, n.dhcp4, n.dhcp6, n.tftp, n.malformed);
    return n.malformed == 0 ? 0 : 1;
  }

  private static Protocol classify(UdpDatagram d, Set<String> tftpClients) {
    int s = d.sourcePort();
    int t = d.destinationPort();
    if (s == 67 || s == 68 || t == 67 || t == 68 || t == 4011 || s == 4011) {
      return Protocol.DHCP4;
    }
    if (s == 546 || s == 547 || t == 546 || t == 547) {
      return Protocol.DHCP6;
    }
    if (t == 69) {
      tftpClients.add(d.source().getHostAddress() + "|" + s);
      return Protocol.TFTP;
    }
    // The transfer runs between the server's new port and the client's request port.
    if (tftpClients.contains(d.source().getHostAddress() + "|" + s) || tftpClients.contains(d.destination().getHostAddress() + "|" + t)) {
      return Protocol.TFTP;
    }
    return null;
  }

  private static Protocol guess(byte[] p) {
    boolean cookie = p.length >= 240 && (p[236] & 0xff) == 0x63 && (p[237] & 0xff) == 0x82 && (p[238] & 0xff) == 0x53 && (p[239] & 0xff) == 0x63;
    if (cookie) {
      return Protocol.DHCP4;
    }
    return p.length >= 2 && p[0] == 0 && p[1] >= 1 && p[1] <= 6 ? Protocol.TFTP : Protocol.DHCP6;
  }

  private void decodePayload(Protocol p, byte[] payload, UdpDatagram d, int destinationPort, PrintStream out, Counts n) {
    try {
      switch (p) {
        case DHCP4 -> {
          Dhcp4Message m = Dhcp4Message.decode(payload);
          n.dhcp4++;
          out.print(Render.dhcp4(m, "  "));
          facts4(m, d, destinationPort, out);
        }
        case DHCP6 -> {
          Dhcp6Message m = Dhcp6Codec.decode(payload);
          n.dhcp6++;
          if (m instanceof RelayMessage r) {
            out.println("  relay hops: " + r.hops().size());
          }
          out.print(Render.dhcp6(m, "  "));
          facts6(m, d, out);
        }
        case TFTP -> {
          TftpPacket t = TftpCodec.decode(payload);
          n.tftp++;
          out.print(Render.tftp(t, "  "));
        }
      }
    } catch (MalformedPacketException e) {
      n.malformed++;
      out.println("  malformed " + p + " (" + payload.length + " bytes): " + e.reason() + ": " + e.getMessage());
    }
  }

  private void facts4(Dhcp4Message m, UdpDatagram d, int destinationPort, PrintStream out) throws MalformedPacketException {
    if (!m.isRequest()) {
      return;
    }
    if (!(m.options().isPxeClient() || m.options().isHttpClient())) {
      out.println("  bootline: not a PXE/HTTP-boot client (no PXEClient/HTTPClient vendor class): no facts, an os_init at most");
      return;
    }
    Inet4Address us = d != null && d.destination() instanceof Inet4Address a && !a.isAnyLocalAddress()
        && !a.getHostAddress().equals("255.255.255.255") ? a : configuredServer();
    ProxyResponder.Service service = destinationPort == 4011 ? ProxyResponder.Service.BOOT_SERVER_4011 : ProxyResponder.Service.PROXY_67;
    InetSocketAddress src = d == null ? new InetSocketAddress(anyV4(), 68) : new InetSocketAddress(d.source(), d.sourcePort());
    var arrival = new ProxyResponder.Arrival(service, "capture", 0, us, src, d == null ? anyV4() : d.destination());
    ClientFacts f = proxy.facts(m, arrival);
    String who = service == ProxyResponder.Service.PROXY_67 ? "proxy on 67" : "boot server on 4011";
    boolean sentAsIpxe = m.options().isIpxe() || m.options().contains(Dhcp4OptionCodes.IPXE_ENCAPSULATED);
    if (sentAsIpxe && !f.ipxe()) {
      // The ROM rule (ProxyResponder): a BIOS iPXE is PXE firmware unless bootline just handed this MAC a boot file.
      // A capture does not carry that memory, so show both ways rather than one plan.
      ClientFacts chained = new ClientFacts(f.protocol(), f.mac(), f.macSource(), f.archs(), f.vendorClass(), true,
          f.asksForBootFile(), f.menuItem(), f.interfaceName(), f.serverHost());
      long window = ProxyResponder.CHAIN_WINDOW.toMinutes();
      out.println("  iPXE on BIOS with a menu configured: the live " + who + " decides by its recent TFTP hand-outs,"
          + " which a capture does not show:");
      out.println("  - no boot file handed to " + f.mac() + " in the last " + window + " min: the machine's iPXE ROM"
          + " acting as PXE firmware");
      out.print(Render.facts(f, "      "));
      out.println("    boot plan (" + configName() + "):");
      out.print(Render.plan(policy.decide(f, Assignment.Source.NONE), "      "));
      out.println("  - a boot file handed to it within " + window + " min: the iPXE that ROM chainloaded");
      out.print(Render.facts(chained, "      "));
      out.println("    boot plan (" + configName() + "):");
      out.print(Render.plan(policy.decide(chained, Assignment.Source.NONE), "      "));
      return;
    }
    out.println("  client facts (as bootline's " + who + " derives them):");
    out.print(Render.facts(f, "    "));
    out.println("  boot plan (" + configName() + "):");
    out.print(Render.plan(policy.decide(f, Assignment.Source.NONE), "    "));
  }

  private void facts6(Dhcp6Message m, UdpDatagram d, PrintStream out) {
    Dhcp6Message inner = m instanceof RelayMessage r ? r.innermost() : m;
    if (!(inner instanceof ClientServerMessage c) || !isClientMessage(c) || (m instanceof RelayMessage r && !r.is(MessageType.RELAY_FORW))) {
      return;
    }
    MessageType t = c.type().orElseThrow();
    if (t == MessageType.RELEASE || t == MessageType.DECLINE || t == MessageType.CONFIRM) {
      // The server answers these without asking the policy, so it derives no facts either.
      out.println("  bootline: a " + t + " gets no boot decision (no client facts)");
      return;
    }
    Inet6Address source = d != null && d.source() instanceof Inet6Address a ? a : null;
    Optional<MacRecovery.Recovered> rec = MacRecovery.recover(m, source);
    if (rec.isEmpty()) {
      out.println("  bootline: no MAC recoverable (no relay option 79, EUI-64 address or DUID-LL/LLT): NoAddrsAvail");
      return;
    }
    Optional<Inet6Address> server = d != null && d.destination() instanceof Inet6Address a && !a.isMulticastAddress() ? Optional.of(a) : Optional.empty();
    var arrival = new Dhcp6Responder.Arrival("capture", 0, source, server);
    ClientFacts f = Dhcp6Responder.facts(c, rec.get().mac(), rec.get().source().name().toLowerCase(), arrival);
    out.println("  client facts (as bootline's DHCPv6 server derives them):");
    out.print(Render.facts(f, "    "));
    out.println("  boot plan (" + configName() + "):");
    out.print(Render.plan(policy.decide(f, Assignment.Source.NONE), "    "));
  }

  private String configName() {
    return config == null ? "default config: no menu, no template" : "config " + config;
  }

  private static boolean isClientMessage(ClientServerMessage c) {
    return c.type().map(t -> switch (t) {
      case SOLICIT, REQUEST, CONFIRM, RENEW, REBIND, RELEASE, DECLINE, INFORMATION_REQUEST -> true;
      default -> false;
    }).orElse(false);
  }

  private Inet4Address configuredServer() {
    if (serverAddress != null && serverAddress.matches("[0-9.]+")) {
      try {
        if (InetAddress.getByName(serverAddress) instanceof Inet4Address a) {
          return a;
        }
      } catch (java.net.UnknownHostException e) {
        // fall through: unknown
      }
    }
    return (Inet4Address) anyV4();
  }

  private static String endpoint(InetAddress a, int port) {
    return a instanceof Inet6Address six ? "[" + Ipv6Text.format(six) + "]:" + port : a.getHostAddress() + ":" + port;
  }

  private static InetAddress anyV4() {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
