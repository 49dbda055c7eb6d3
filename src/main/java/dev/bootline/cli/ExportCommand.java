package dev.bootline.cli;

import dev.bootline.boot.Arch;
import dev.bootline.boot.IpxeCatalog;
import dev.bootline.boot.UrlTemplate;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.BootlineConfig.IpxeTarget;
import dev.bootline.config.ConfigException;
import dev.bootline.config.ConfigLoader;
import dev.bootline.dhcp4.ProxyResponder;
import dev.bootline.dhcp4.PxeSubOption;
import dev.bootline.dhcp4.PxeVendorOptions;
import dev.bootline.wire.MacAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bootline export}: the PXE side of bootline's proxy as another DHCP server's config, so a site can keep one
 * DHCP server. The option 43 bytes are the proxy's own ({@link ProxyResponder#menuOptions}), the per-architecture boot
 * files the proxy's ({@link IpxeCatalog}); what the target format cannot say is printed as a comment.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Print isc-dhcpd, Kea or dnsmasq config sending the PXE menu (option 43), boot server and per-architecture boot files bootline's proxy would.")
public final class ExportCommand implements Callable<Integer> {
  enum Format {
    ISC_DHCPD("isc-dhcpd"),
    KEA("kea"),
    DNSMASQ("dnsmasq");

    final String name;

    Format(String name) {
      this.name = name;
    }

    static Optional<Format> of(String s) {
      for (Format f : values()) {
        if (f.name.equals(s)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  @Option(names = "--format", required = true, paramLabel = "isc-dhcpd|kea|dnsmasq", description = "Target server.")
  String format;

  @Option(names = {"--config", "-config", "-c"}, paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(names = "--server-address", paramLabel = "ADDR", defaultValue = ExplainCommand.DEFAULT_V4_SERVER,
      description = "bootline's IPv4 address: next-server and the menu's boot server (default ${DEFAULT-VALUE}).")
  String serverAddress;

  /** One per-architecture rule: the arch codes whose PXE firmware gets this iPXE binary. */
  record ArchFile(IpxeTarget target, List<Integer> archCodes, String fileName, String bootlinePath) {}

  /** What the export says, format-independent. */
  record Model(
      Inet4Address server,
      Optional<byte[]> menu43,
      Optional<PxeVendorOptions> menu,
      List<ArchFile> files,
      Optional<String> url,
      List<String> limits) {}

  /**
   * Start of the vendor class a BIOS PXE ROM sends before it has seen a PXE answer. QEMU's ROM is iPXE and sends user
   * class iPXE like the iPXE chainloaded from it; the chainloaded one repeats the plain {@code PXEClient} of the answer
   * it booted from (fixtures/bios-pxe-*: frames 01 vs 11), so a static server can tell the two apart by this prefix.
   */
  static final String BIOS_ROM_VENDOR_CLASS = "PXEClient:Arch:00000";

  /** Placeholder MAC rendered into the URL, split out again where a format can insert the client's MAC. */
  static final String MAC_MARK = "00:00:5e:00:53:ff";

  @Override
  public Integer call() {
    Optional<Format> f = Format.of(format);
    if (f.isEmpty()) {
      System.err.println("bootline export: --format must be isc-dhcpd, kea or dnsmasq, not '" + format + "'");
      return 2;
    }
    BootlineConfig cfg;
    Inet4Address server;
    try {
      cfg = ConfigLoader.load(Optional.ofNullable(config), List.of());
      if (!serverAddress.matches("[0-9.]+") || !(InetAddress.getByName(serverAddress) instanceof Inet4Address a)) {
        System.err.println("bootline export: --server-address '" + serverAddress + "' is not an IPv4 address");
        return 2;
      }
      server = a;
    } catch (ConfigException e) {
      System.err.println("bootline export: " + e.getMessage());
      return 2;
    } catch (java.net.UnknownHostException e) {
      System.err.println("bootline export: --server-address: " + e.getMessage());
      return 2;
    }
    List<String> problems = dev.bootline.dhcp4.ProxyDhcpServer.validate(cfg);
    if (!problems.isEmpty()) {
      System.err.println("bootline export: invalid configuration:\n  " + String.join("\n  ", problems));
      return 2;
    }
    Model m = model(cfg, server);
    String source = config == null ? "(defaults)" : config.toString();
    System.out.print(switch (f.get()) {
      case ISC_DHCPD -> iscDhcpd(m, source);
      case KEA -> kea(m, source);
      case DNSMASQ -> dnsmasq(m, source);
    });
    return 0;
  }

  static Model model(BootlineConfig cfg, Inet4Address server) {
    List<String> limits = new ArrayList<>();
    Optional<PxeVendorOptions> menu = cfg.proxyDhcp().menu().map(mn -> ProxyResponder.menuOptions(mn, server));
    IpxeCatalog catalog = new IpxeCatalog(cfg.boot().ipxe());
    MacAddress mark = MacAddress.parse(MAC_MARK).orElseThrow();
    Map<IpxeTarget, List<Integer>> codes = new EnumMap<>(IpxeTarget.class);
    Map<IpxeTarget, String> paths = new EnumMap<>(IpxeTarget.class);
    for (int code = 0; code <= 41; code++) {
      Arch a = new Arch(code);
      if (a.isHttpBoot()) {
        continue; // HTTP-boot firmware gets the URL, never a TFTP file
      }
      Optional<IpxeTarget> t = IpxeCatalog.targetFor(a);
      Optional<String> p = catalog.tftpPath(mark, a);
      if (t.isPresent() && p.isPresent()) {
        codes.computeIfAbsent(t.get(), k -> new ArrayList<>()).add(code);
        paths.put(t.get(), p.get());
      }
    }
    List<ArchFile> files = new ArrayList<>();
    codes.forEach((t, cs) -> {
      String path = paths.get(t);
      files.add(new ArchFile(t, List.copyOf(cs), path.substring(MAC_MARK.length() + 1), path));
    });
    Optional<UrlTemplate> template = cfg.boot().httpBootUrlTemplate();
    Optional<String> url = Optional.empty();
    if (template.isPresent()) {
      UrlTemplate t = template.get();
      if (t.uses("Payload")) {
        limits.add("the URL template uses {{.Payload}} (the client's architectures): rendered here without it");
      }
      url = Optional.of(t.render(new UrlTemplate.Values(MAC_MARK, cfg.dhcp6().baseAddressText(), List.of(), server.getHostAddress())));
    } else {
      limits.add("no boot.http-boot-url-template: bootline ignores iPXE and HTTP-boot clients, so does this export");
    }
    if (menu.isPresent()) {
      limits.add("UEFI PXE clients: bootline's proxy leaves option 43 out for them and shows the menu from its UDP 4011"
          + " boot server; here they get their iPXE binary directly");
    }
    if (menu.isPresent()) {
      limits.add("BIOS iPXE ROMs (QEMU, libvirt, Proxmox) send user class iPXE like the iPXE they chainload: bootline's"
          + " proxy tells them apart by its recent TFTP hand-outs, this export by vendor class (the ROM sends "
          + BIOS_ROM_VENDOR_CLASS + ":UNDI:..., the chainloaded iPXE the plain PXEClient it was answered with), so"
          + " the ROM gets the menu and the chainloaded iPXE the URL");
    }
    return new Model(server, menu.map(PxeVendorOptions::encode), menu, files, url, limits);
  }

  // ---- isc-dhcpd

  static String iscDhcpd(Model m, String source) {
    StringBuilder b = new StringBuilder();
    header(b, "#", "isc-dhcpd", source, m);
    b.append("# Put this in dhcpd.conf (global scope or inside your subnet declaration).\n");
    // compared as two bytes (00:07): dhcpd -t accepts "= 7" too, but never matches it
    b.append("option bootline-arch code 93 = unsigned integer 16;\n\n");
    // dhcpd has no MAC-as-text function; this is the usual zero-padded rendering of the six chaddr bytes.
    String mac = macExpression();
    String ipxeUrl = m.url().map(u -> concatAround(u, mac)).orElse(null);
    String first = "if";
    if (ipxeUrl != null) {
      if (m.menu43().isPresent()) {
        b.append("# a BIOS iPXE ROM (vendor class ").append(BIOS_ROM_VENDOR_CLASS).append(":...) is PXE firmware here: it gets the menu\n");
        b.append("if exists user-class and option user-class = \"iPXE\"\n");
        b.append("    and not (substring(option vendor-class-identifier, 0, ").append(BIOS_ROM_VENDOR_CLASS.length())
            .append(") = \"").append(BIOS_ROM_VENDOR_CLASS).append("\") {\n");
      } else {
        b.append("if exists user-class and option user-class = \"iPXE\" {\n");
      }
      b.append("  # iPXE (user class iPXE): the HTTP-boot URL\n");
      b.append("  filename = ").append(ipxeUrl).append(";\n");
      b.append("} elsif substring(option vendor-class-identifier, 0, 10) = \"HTTPClient\" {\n");
      b.append("  # UEFI HTTP boot: answer as HTTPClient with the URL\n");
      b.append("  option vendor-class-identifier \"HTTPClient\";\n");
      b.append("  filename = ").append(ipxeUrl).append(";\n");
      b.append("}");
      first = " elsif";
    }
    b.append(first).append(" substring(option vendor-class-identifier, 0, 9) = \"PXEClient\" {\n");
    b.append("  next-server ").append(m.server().getHostAddress()).append(";\n");
    b.append("  option vendor-class-identifier \"PXEClient\";\n");
    String inner = "  if";
    if (m.menu43().isPresent()) {
      b.append("  if option bootline-arch = 00:00 {\n");
      b.append("    # BIOS: the PXE menu, byte for byte what bootline's proxy sends (").append(m.menu43().get().length).append(" bytes)\n");
      menuComment(b, "    # ", m.menu().orElseThrow());
      b.append("    option vendor-encapsulated-options ").append(hex(m.menu43().get(), ":")).append(";\n");
      b.append("  }");
      inner = " elsif";
    }
    for (ArchFile f : m.files()) {
      if (m.menu43().isPresent() && f.archCodes().contains(0)) {
        continue; // BIOS got the menu; the chosen item is answered by bootline's boot server on UDP 4011
      }
      b.append(inner).append(' ').append(f.archCodes().stream().map(c -> String.format("option bootline-arch = %02x:%02x", c >> 8, c & 0xff))
          .collect(Collectors.joining(" or "))).append(" {\n");
      b.append("    filename = concat(").append(mac).append(", \"/").append(f.fileName()).append("\");\n");
      b.append("  }");
      inner = " elsif";
    }
    b.append(inner.equals("  if") ? "" : "\n").append("}\n");
    return b.toString();
  }

  private static String macExpression() {
    List<String> parts = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      parts.add("suffix(concat(\"0\", binary-to-ascii(16, 8, \"\", substring(hardware, " + i + ", 1))), 2)");
    }
    return "concat(" + String.join(", \":\", ", parts) + ")";
  }

  /** {@code "a" + mac + "b"} as a dhcpd concat, or the literal when the URL has no MAC in it. */
  private static String concatAround(String url, String macExpr) {
    if (!url.contains(MAC_MARK)) {
      return quoted(url);
    }
    List<String> parts = new ArrayList<>();
    String[] pieces = url.split(java.util.regex.Pattern.quote(MAC_MARK), -1);
    for (int i = 0; i < pieces.length; i++) {
      if (!pieces[i].isEmpty()) {
        parts.add(quoted(pieces[i]));
      }
      if (i < pieces.length - 1) {
        parts.add(macExpr);
      }
    }
    return parts.size() == 1 ? parts.getFirst() : "concat(" + String.join(", ", parts) + ")";
  }

  // ---- Kea

  static String kea(Model m, String source) {
    StringBuilder b = new StringBuilder();
    header(b, "//", "kea-dhcp4", source, m);
    b.append("// A complete kea-dhcp4 file with only the PXE classes: merge \"client-classes\" (and \"option-def\") into your\n");
    b.append("// Dhcp4 configuration; your subnets and pools stay as they are.\n");
    List<String> limits = new ArrayList<>();
    if (m.url().filter(u -> u.contains(MAC_MARK)).isPresent() || !m.files().isEmpty()) {
      limits.add("Kea cannot put the client's MAC into boot-file-name without the flex-option hook: bootline serves iPXE"
          + " as <mac>/<file> over TFTP, so copy each iPXE binary into tftp.root under the plain name used below");
    }
    limits.forEach(l -> b.append("// limit: ").append(l).append('\n'));
    String pxe = "substring(option[60].hex,0,9) == 'PXEClient'";
    String ipxe = m.menu43().isPresent()
        ? "option[77].hex == 'iPXE' and not (substring(option[60].hex,0," + BIOS_ROM_VENDOR_CLASS.length() + ") == '"
            + BIOS_ROM_VENDOR_CLASS + "')"
        : "option[77].hex == 'iPXE'";
    List<String> classes = new ArrayList<>();
    if (m.url().isPresent()) {
      String url = jsonString(m.url().get());
      classes.add(cls("bootline-ipxe", ipxe, "\"boot-file-name\": " + url, null));
      classes.add(cls("bootline-http", "substring(option[60].hex,0,10) == 'HTTPClient' and not member('bootline-ipxe')",
          "\"boot-file-name\": " + url, "{ \"name\": \"vendor-class-identifier\", \"data\": \"HTTPClient\" }"));
    }
    if (m.url().isEmpty()) {
      // Defined even without a URL: the classes below exclude its members, so chainloaded iPXE is not handed the PXE
      // boot file again (a loop); without a URL bootline ignores iPXE, and so does this class.
      classes.add(cls("bootline-ipxe", ipxe, "", null));
    }
    String optionDef = "";
    if (m.menu43().isPresent()) {
      optionDef = "      \"option-def\": [ { \"name\": \"vendor-encapsulated-options\", \"code\": 43, \"type\": \"binary\" } ],\n";
      classes.add(cls("bootline-pxe-menu", pxe + " and option[93].hex == 0x0000 and not member('bootline-ipxe')",
          "\"next-server\": \"" + m.server().getHostAddress() + "\"",
          "{ \"name\": \"vendor-class-identifier\", \"data\": \"PXEClient\" },\n"
              + "          { \"name\": \"vendor-encapsulated-options\", \"code\": 43, \"csv-format\": false, \"data\": \""
              + hex(m.menu43().get(), "").toUpperCase() + "\" }", optionDef));
    }
    for (ArchFile f : m.files()) {
      if (m.menu43().isPresent() && f.archCodes().contains(0)) {
        continue;
      }
      String archTest = f.archCodes().stream().map(c -> String.format("option[93].hex == 0x%04x", c)).collect(Collectors.joining(" or "));
      classes.add(cls("bootline-pxe-" + f.target().key, pxe + " and (" + archTest + ") and not member('bootline-ipxe')",
          "\"next-server\": \"" + m.server().getHostAddress() + "\", \"boot-file-name\": \"" + f.fileName() + "\"",
          "{ \"name\": \"vendor-class-identifier\", \"data\": \"PXEClient\" }"));
    }
    if (m.url().filter(u -> u.contains(MAC_MARK)).isPresent()) {
      b.append("// limit: the URL carries the placeholder MAC " + MAC_MARK + ": Kea cannot insert the client's MAC without a hook\n");
    }
    b.append("{\n  \"Dhcp4\": {\n    \"interfaces-config\": { \"interfaces\": [ ] },\n");
    b.append("    \"client-classes\": [\n").append(String.join(",\n", classes)).append("\n    ]\n  }\n}\n");
    return b.toString();
  }

  private static String cls(String name, String test, String fields, String options) {
    return cls(name, test, fields, options, "");
  }

  private static String cls(String name, String test, String fields, String options, String optionDef) {
    List<String> members = new ArrayList<>();
    members.add("\"name\": \"" + name + "\"");
    members.add("\"test\": " + jsonString(test));
    if (!optionDef.isEmpty()) {
      members.add(optionDef.strip().replaceAll(",$", "").replace("\n      ", "\n        "));
    }
    if (options != null) {
      members.add("\"option-data\": [\n          " + options + "\n        ]");
    }
    if (!fields.isEmpty()) {
      members.add(fields);
    }
    return "      {\n        " + String.join(",\n        ", members) + "\n      }";
  }

  // ---- dnsmasq

  static String dnsmasq(Model m, String source) {
    StringBuilder b = new StringBuilder();
    header(b, "#", "dnsmasq", source, m);
    b.append("# Add to dnsmasq.conf next to your dhcp-range lines.\n");
    b.append("dhcp-vendorclass=set:bootline-pxe,PXEClient\n");
    b.append("dhcp-vendorclass=set:bootline-http,HTTPClient\n");
    b.append("dhcp-userclass=set:bootline-ipxe,iPXE\n");
    b.append("dhcp-match=set:bootline-ipxe,175\n");
    // With a menu, a BIOS iPXE ROM (vendor class PXEClient:Arch:00000:...) is PXE firmware: only the iPXE it chainloads
    // (tag bootline-chained) gets the URL.
    String ipxeTag = "bootline-ipxe";
    if (m.menu43().isPresent()) {
      b.append("dhcp-vendorclass=set:bootline-bios-rom,").append(BIOS_ROM_VENDOR_CLASS).append('\n');
      b.append("tag-if=set:bootline-chained,tag:bootline-ipxe,tag:!bootline-bios-rom\n");
      ipxeTag = "bootline-chained";
    }
    for (ArchFile f : m.files()) {
      for (int c : f.archCodes()) {
        b.append("dhcp-match=set:bootline-").append(f.target().key).append(",option:client-arch,").append(c).append('\n');
      }
    }
    if (m.menu43().isPresent() && m.files().stream().noneMatch(f -> f.target() == IpxeTarget.BIOS)) {
      b.append("dhcp-match=set:bootline-bios,option:client-arch,0\n");
    }
    if (m.url().isPresent()) {
      String url = m.url().get();
      if (url.contains(MAC_MARK)) {
        b.append("# limit: dnsmasq cannot put the client's MAC into the boot file name: the URL below carries the placeholder MAC ")
            .append(MAC_MARK).append("; edit per host (dhcp-host tags) or use a MAC-free template\n");
      }
      b.append("dhcp-boot=tag:").append(ipxeTag).append(',').append(url).append('\n');
      b.append("dhcp-boot=tag:bootline-http,tag:!").append(ipxeTag).append(',').append(url).append('\n');
      b.append("dhcp-option-force=tag:bootline-http,tag:!").append(ipxeTag).append(",option:vendor-class,HTTPClient\n");
    }
    b.append("dhcp-option-force=tag:bootline-pxe,tag:!").append(ipxeTag).append(",option:vendor-class,PXEClient\n");
    if (m.menu43().isPresent()) {
      b.append("# BIOS: the PXE menu, byte for byte what bootline's proxy sends (").append(m.menu43().get().length).append(" bytes)\n");
      menuComment(b, "# ", m.menu().orElseThrow());
      b.append("dhcp-option-force=tag:bootline-pxe,tag:bootline-bios,tag:!").append(ipxeTag).append(",43,").append(hex(m.menu43().get(), ":")).append('\n');
    }
    if (!m.files().isEmpty()) {
      b.append("# limit: dnsmasq cannot put the client's MAC into the file name; bootline serves iPXE as <mac>/<file>,\n");
      b.append("# so copy each iPXE binary into tftp.root under the plain name used below\n");
    }
    for (ArchFile f : m.files()) {
      if (m.menu43().isPresent() && f.archCodes().contains(0)) {
        continue;
      }
      b.append("dhcp-boot=tag:bootline-pxe,tag:bootline-").append(f.target().key).append(",tag:!").append(ipxeTag).append(',')
          .append(f.fileName()).append(",,").append(m.server().getHostAddress()).append('\n');
    }
    return b.toString();
  }

  // ---- shared

  private static void header(StringBuilder b, String c, String what, String source, Model m) {
    b.append(c).append(" bootline export --format ").append(what).append(" from ").append(source)
        .append(", bootline at ").append(m.server().getHostAddress()).append('\n');
    b.append(c).append(" The menu's items are answered by bootline's PXE boot server (UDP 4011 at that address): keep it running.\n");
    for (ArchFile f : m.files()) {
      b.append(c).append(" arch ").append(f.archCodes()).append(" -> ").append(f.fileName())
          .append(" (bootline serves it as <mac>/").append(f.fileName()).append(")\n");
    }
    m.url().ifPresent(u -> b.append(c).append(" iPXE and HTTP-boot clients -> ").append(u.replace(MAC_MARK, "<mac>")).append('\n'));
    for (String l : m.limits()) {
      b.append(c).append(" limit: ").append(l).append('\n');
    }
    b.append('\n');
  }

  private static void menuComment(StringBuilder b, String c, PxeVendorOptions menu) {
    menu.bootMenu().ifPresent(bm -> {
      for (PxeSubOption.MenuItem i : bm.items()) {
        b.append(c).append("  item ").append(Render.menuType(i.type())).append(": ").append(i.description()).append('\n');
      }
    });
    menu.menuPrompt().ifPresent(p -> b.append(c).append("  prompt (").append(p.timeout()).append(" s): ").append(p.prompt()).append('\n'));
  }

  static String hex(byte[] data, String separator) {
    return HexFormat.ofDelimiter(separator).formatHex(data);
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
