package dev.bootline.cli;

import static dev.bootline.dhcp4.Dhcp4OptionCodes.*;

import dev.bootline.boot.Arch;
import dev.bootline.boot.BootPlan;
import dev.bootline.boot.ClientFacts;
import dev.bootline.dhcp4.Dhcp4Message;
import dev.bootline.dhcp4.Dhcp4OptionItem;
import dev.bootline.dhcp4.Dhcp4Options;
import dev.bootline.dhcp4.EncapsulatedOptions;
import dev.bootline.dhcp4.PxeSubOption;
import dev.bootline.dhcp4.PxeVendorOptions;
import dev.bootline.dhcp4.SubOption;
import dev.bootline.dhcp6.ClientServerMessage;
import dev.bootline.dhcp6.Dhcp6Message;
import dev.bootline.dhcp6.Dhcp6Option;
import dev.bootline.dhcp6.RelayMessage;
import dev.bootline.tftp.TftpPacket;
import dev.bootline.wire.Ipv6Text;
import dev.bootline.wire.MalformedPacketException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Text renderings shared by {@code explain} and {@code decode}: one fact or option per line, indented. */
final class Render {
  private Render() {}

  private static final Map<Integer, String> V4_NAMES =
      Map.ofEntries(
          Map.entry(1, "Subnet Mask"), Map.entry(3, "Router"), Map.entry(6, "Domain Name Server"),
          Map.entry(12, "Host Name"), Map.entry(15, "Domain Name"), Map.entry(28, "Broadcast Address"),
          Map.entry(43, "Vendor-Specific Information"), Map.entry(50, "Requested IP Address"),
          Map.entry(51, "IP Address Lease Time"), Map.entry(52, "Option Overload"), Map.entry(53, "DHCP Message Type"),
          Map.entry(54, "DHCP Server Identifier"), Map.entry(55, "Parameter Request List"),
          Map.entry(57, "Maximum DHCP Message Size"), Map.entry(58, "Renewal Time"), Map.entry(59, "Rebinding Time"),
          Map.entry(60, "Vendor class identifier"), Map.entry(61, "Client identifier"),
          Map.entry(66, "TFTP Server Name"), Map.entry(67, "Bootfile name"), Map.entry(77, "User Class"),
          Map.entry(82, "Relay Agent Information"), Map.entry(93, "Client System Architecture"),
          Map.entry(94, "Client Network Device Interface"), Map.entry(97, "UUID/GUID-based Client Identifier"),
          Map.entry(175, "iPXE encapsulated options"));

  /** iPXE's own names (include/ipxe/dhcp.h and features.h): settings, then 16..41 feature flags. */
  private static final Map<Integer, String> IPXE_NAMES =
      Map.ofEntries(
          Map.entry(1, "priority"), Map.entry(8, "keep-san"), Map.entry(9, "skip-san-boot"),
          Map.entry(16, "feature pxe-ext"), Map.entry(17, "feature iscsi"), Map.entry(18, "feature aoe"),
          Map.entry(19, "feature http"), Map.entry(20, "feature https"), Map.entry(21, "feature tftp"),
          Map.entry(22, "feature ftp"), Map.entry(23, "feature dns"), Map.entry(24, "feature bzimage"),
          Map.entry(25, "feature multiboot"), Map.entry(26, "feature slam"), Map.entry(27, "feature srp"),
          Map.entry(32, "feature nbi"), Map.entry(33, "feature pxe"), Map.entry(34, "feature elf"),
          Map.entry(35, "feature comboot"), Map.entry(36, "feature efi"), Map.entry(37, "feature fcoe"),
          Map.entry(38, "feature vlan"), Map.entry(39, "feature menu"), Map.entry(40, "feature sdi"),
          Map.entry(41, "feature nfs"), Map.entry(85, "syslogs"), Map.entry(176, "no-pxedhcp"),
          Map.entry(177, "bus-id"), Map.entry(189, "bios-drive"), Map.entry(190, "username"),
          Map.entry(191, "password"), Map.entry(235, "version"));

  static String facts(ClientFacts f, String indent) {
    StringBuilder b = new StringBuilder();
    line(b, indent, "protocol", f.protocol());
    line(b, indent, "mac", f.mac() + " (from " + f.macSource() + ")");
    line(b, indent, "archs", f.archs().isEmpty() ? "(none)" : f.archs().stream().map(Arch::toString).collect(Collectors.joining(", ")));
    line(b, indent, "primary arch", f.primaryArch().map(Arch::toString).orElse("(none)"));
    line(b, indent, "vendor class", f.vendorClass().map(v -> "'" + v + "'").orElse("(none)"));
    line(b, indent, "ipxe", f.ipxe());
    line(b, indent, "pxe firmware", f.isPxeFirmware());
    line(b, indent, "http-boot firmware", f.isHttpBootFirmware());
    line(b, indent, "asks for boot file", f.asksForBootFile());
    line(b, indent, "menu item", f.menuItem().isPresent() ? menuType(f.menuItem().getAsInt()) : "(none)");
    line(b, indent, "interface", f.interfaceName());
    line(b, indent, "server host", f.serverHost().orElse("(none)"));
    return b.toString();
  }

  static String plan(BootPlan p, String indent) {
    StringBuilder b = new StringBuilder();
    String what =
        switch (p) {
          case BootPlan.TftpFile t -> "TftpFile " + t.path();
          case BootPlan.HttpUrl h -> "HttpUrl " + h.url();
          case BootPlan.Menu m -> "Menu (" + m.menu().items().size() + " items, prompt '" + m.menu().prompt() + "')";
          case BootPlan.LocalBoot l -> "LocalBoot";
          case BootPlan.AddressOnly a -> "AddressOnly";
          case BootPlan.Ignore i -> "Ignore";
        };
    line(b, indent, "plan", what);
    line(b, indent, "event", p.event());
    line(b, indent, "reason", p.reason());
    return b.toString();
  }

  private static void line(StringBuilder b, String indent, String key, Object value) {
    b.append(indent).append(String.format("%-19s", key + ":")).append(' ').append(value).append('\n');
  }

  static String menuType(int type) {
    return type == 0 ? "0 (local boot)" : type + String.format(" (0x%04x)", type);
  }

  // ---- DHCPv4

  static String dhcp4(Dhcp4Message m, String indent) {
    StringBuilder b = new StringBuilder();
    String type = m.messageType().map(Enum::name).orElse("BOOTP");
    b.append(indent).append("DHCPv4 ").append(type).append(m.isRequest() ? " (BOOTREQUEST)" : " (BOOTREPLY)")
        .append(String.format(" xid=0x%08x secs=%d flags=0x%04x%s hops=%d%n", m.xid(), m.secs(), m.flags(),
            m.isBroadcast() ? " (broadcast)" : "", m.hops()));
    String i = indent + "  ";
    b.append(i).append("chaddr ").append(m.ethernetMac().map(Object::toString).orElse(HexFormat.of().formatHex(m.hardwareAddress())))
        .append("  ciaddr ").append(ip(m.ciaddr())).append("  yiaddr ").append(ip(m.yiaddr()))
        .append("  siaddr ").append(ip(m.siaddr())).append("  giaddr ").append(ip(m.giaddr())).append('\n');
    m.snameField().ifPresent(s -> b.append(i).append("sname '").append(s).append("'\n"));
    m.fileField().ifPresent(s -> b.append(i).append("file '").append(s).append("'\n"));
    for (Dhcp4OptionItem.Option o : m.options().instances()) {
      b.append(i).append(String.format("option %d %s (%d bytes): ", o.code(), V4_NAMES.getOrDefault(o.code(), "?"), o.data().length));
      b.append(v4Value(o.code(), o.data(), m.options(), i + "  "));
      b.append('\n');
    }
    return b.toString();
  }

  private static String v4Value(int code, byte[] d, Dhcp4Options all, String indent) {
    try {
      return switch (code) {
        case MESSAGE_TYPE -> all.messageType().map(Enum::name).orElse("type " + (d.length > 0 ? d[0] & 0xff : -1));
        case SERVER_IDENTIFIER, REQUESTED_IP, 1, 3, 6, 28 -> ips(d);
        case PARAMETER_REQUEST_LIST -> all.parameterRequestList().toString();
        case MAX_MESSAGE_SIZE, 51, 58, 59, CLIENT_SYSTEM_ARCHITECTURE -> unsigneds(d, code == 51 || code == 58 || code == 59 ? 4 : 2,
            code == CLIENT_SYSTEM_ARCHITECTURE);
        case VENDOR_CLASS_IDENTIFIER, HOST_NAME, TFTP_SERVER_NAME, BOOTFILE_NAME, 15 -> "'" + text(d) + "'";
        case USER_CLASS -> all.userClass().map(u -> u.classes().toString()).orElse(hex(d));
        case CLIENT_NETWORK_DEVICE_INTERFACE -> all.clientNdi().map(n -> "type " + n.type() + " UNDI " + n.major() + "." + n.minor()).orElse(hex(d));
        case CLIENT_MACHINE_IDENTIFIER -> all.clientMachineId().map(c -> "type " + c.type() + " " + (c.id().length == 16 ? c.uuid() : hex(c.id()))).orElse(hex(d));
        case VENDOR_SPECIFIC -> pxe(PxeVendorOptions.decode(d), indent);
        case IPXE_ENCAPSULATED, RELAY_AGENT_INFORMATION -> encapsulated(code, EncapsulatedOptions.parse(d), indent);
        default -> hex(d);
      };
    } catch (MalformedPacketException | RuntimeException e) {
      return hex(d) + "  (cannot decode: " + e.getMessage() + ")";
    }
  }

  /** Option 43 as PXE sub-options, one per line (the same typed records the proxy builds). */
  static String pxe(PxeVendorOptions pxe, String indent) {
    StringBuilder b = new StringBuilder("PXE sub-options");
    for (PxeSubOption s : pxe.subOptions()) {
      b.append('\n').append(indent);
      switch (s) {
        case PxeSubOption.DiscoveryControl c ->
            b.append(String.format("6 discovery control 0x%02x%s%s%s%s", c.bits(), c.disableBroadcast() ? " disable-broadcast" : "",
                c.disableMulticast() ? " disable-multicast" : "", c.onlyBootServerList() ? " server-list-only" : "",
                c.useBootfileDirectly() ? " use-bootfile" : ""));
        case PxeSubOption.BootServers bs -> {
          b.append("8 boot servers");
          for (PxeSubOption.BootServer v : bs.servers()) {
            b.append('\n').append(indent).append("  type ").append(menuType(v.type())).append(": ")
                .append(v.addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ")));
          }
        }
        case PxeSubOption.BootMenu menu -> {
          b.append("9 boot menu");
          for (PxeSubOption.MenuItem item : menu.items()) {
            b.append('\n').append(indent).append("  type ").append(menuType(item.type())).append(": '").append(item.description()).append("'");
          }
        }
        case PxeSubOption.MenuPrompt p -> b.append("10 menu prompt timeout ").append(p.timeout()).append(" '").append(p.prompt()).append("'");
        case PxeSubOption.BootItem it -> b.append("71 boot item type ").append(menuType(it.type())).append(" layer ").append(it.layer());
        case PxeSubOption.Raw r -> b.append(r.code()).append(" raw ").append(hex(r.data()));
      }
    }
    return b.toString();
  }

  private static String encapsulated(int code, EncapsulatedOptions e, String indent) {
    StringBuilder b = new StringBuilder(code == IPXE_ENCAPSULATED ? "iPXE sub-options" : "relay sub-options");
    for (SubOption s : e.subOptions()) {
      String name = code == IPXE_ENCAPSULATED ? IPXE_NAMES.getOrDefault(s.code(), "?") : (s.code() == 1 ? "circuit-id" : s.code() == 2 ? "remote-id" : "?");
      byte[] v = s.data();
      String value = code == IPXE_ENCAPSULATED && s.code() == 235 && v.length == 3
          ? (v[0] & 0xff) + "." + (v[1] & 0xff) + "." + (v[2] & 0xff)
          : code == IPXE_ENCAPSULATED && s.code() == 177 && v.length == 5 && v[0] == 1
              ? String.format("PCI %02x%02x:%02x%02x", v[1], v[2], v[3], v[4])
              : s.data().length == 1 ? String.valueOf(s.data()[0] & 0xff) : printable(s.data()) ? "'" + text(s.data()) + "'" : hex(s.data());
      b.append('\n').append(indent).append(s.code()).append(' ').append(name).append(' ').append(value);
    }
    if (!e.complete()) {
      b.append('\n').append(indent).append("(truncated sub-option data)");
    }
    return b.toString();
  }

  // ---- DHCPv6

  static String dhcp6(Dhcp6Message m, String indent) {
    StringBuilder b = new StringBuilder();
    switch (m) {
      case RelayMessage r -> {
        b.append(indent).append("DHCPv6 ").append(r.type().map(Enum::name).orElse("?")).append(" hop-count=").append(r.hopCount())
            .append(" link=").append(Ipv6Text.format(r.linkAddress())).append(" peer=").append(Ipv6Text.format(r.peerAddress())).append('\n');
        for (Dhcp6Option o : r.options()) {
          if (o instanceof Dhcp6Option.RelayMessageOption inner) {
            b.append(indent).append("  relayed message:\n").append(dhcp6(inner.message(), indent + "    "));
          } else {
            b.append(indent).append("  ").append(v6Option(o)).append('\n');
          }
        }
      }
      case ClientServerMessage c -> {
        b.append(indent).append("DHCPv6 ").append(c.type().map(Enum::name).orElse("type " + c.msgType()))
            .append(String.format(" xid=0x%06x%n", c.transactionId()));
        for (Dhcp6Option o : c.options()) {
          b.append(indent).append("  ").append(v6Option(o)).append('\n');
        }
      }
    }
    return b.toString();
  }

  private static String v6Option(Dhcp6Option o) {
    return switch (o) {
      case Dhcp6Option.BootFileUrl u -> "option 59 Boot File URL: " + u.value().toString(StandardCharsets.UTF_8);
      case Dhcp6Option.VendorClass v -> "option 16 Vendor Class: enterprise " + v.enterpriseNumber() + " " + v.data();
      case Dhcp6Option.UserClass u -> "option 15 User Class: " + u.classes();
      case Dhcp6Option.ClientArch a -> "option 61 Client Architecture: "
          + a.types().stream().map(t -> new Arch(t).toString()).collect(Collectors.joining(", "));
      case Dhcp6Option.OptionRequest r -> "option 6 Option Request: " + r.codes();
      default -> o.toString();
    };
  }

  // ---- TFTP

  static String tftp(TftpPacket p, String indent) {
    return indent + "TFTP " + switch (p) {
      case TftpPacket.ReadRequest r -> "RRQ '" + r.filename() + "' " + r.mode() + opts(r.options());
      case TftpPacket.WriteRequest w -> "WRQ '" + w.filename() + "' " + w.mode() + opts(w.options());
      case TftpPacket.Data d -> "DATA block " + d.block() + " (" + d.payload().length + " bytes)";
      case TftpPacket.Ack a -> "ACK block " + a.block();
      case TftpPacket.Error e -> "ERROR " + e.code() + " '" + e.message() + "'";
      case TftpPacket.OptionAck o -> "OACK" + opts(o.options());
    } + "\n";
  }

  private static String opts(List<dev.bootline.tftp.TftpOption> options) {
    return options.stream().map(o -> " " + o.name() + "=" + o.value()).collect(Collectors.joining());
  }

  // ---- bits

  static String hex(byte[] d) {
    return HexFormat.of().formatHex(d);
  }

  private static String ip(InetAddress a) {
    return a.getHostAddress();
  }

  private static String ips(byte[] d) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k + 4 <= d.length; k += 4) {
      b.append(k == 0 ? "" : ", ").append(Byte.toUnsignedInt(d[k])).append('.').append(Byte.toUnsignedInt(d[k + 1]))
          .append('.').append(Byte.toUnsignedInt(d[k + 2])).append('.').append(Byte.toUnsignedInt(d[k + 3]));
    }
    return d.length % 4 == 0 && d.length > 0 ? b.toString() : hex(d);
  }

  private static String unsigneds(byte[] d, int width, boolean arch) {
    if (d.length == 0 || d.length % width != 0) {
      return hex(d);
    }
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < d.length; k += width) {
      long v = 0;
      for (int j = 0; j < width; j++) {
        v = (v << 8) | (d[k + j] & 0xff);
      }
      b.append(k == 0 ? "" : ", ").append(arch ? new Arch((int) v).toString() : String.valueOf(v));
    }
    return b.toString();
  }

  private static boolean printable(byte[] d) {
    for (byte x : d) {
      if (x < 0x20 || x > 0x7e) {
        return false;
      }
    }
    return d.length > 0;
  }

  private static String text(byte[] d) {
    return new String(d, StandardCharsets.ISO_8859_1);
  }

  static String v4(Inet4Address a) {
    return a.getHostAddress();
  }
}
