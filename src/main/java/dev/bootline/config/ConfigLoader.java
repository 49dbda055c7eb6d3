package dev.bootline.config;

import dev.bootline.boot.UrlTemplate;
import dev.bootline.config.BootlineConfig.IpxeTarget;
import dev.bootline.config.BootlineConfig.ListenAddress;
import dev.bootline.config.BootlineConfig.MenuBoot;
import dev.bootline.config.ConfigNode.ListNode;
import dev.bootline.config.ConfigNode.MapNode;
import dev.bootline.config.ConfigNode.Origin;
import dev.bootline.config.ConfigNode.ScalarNode;
import dev.bootline.net.SourceRateLimiter;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads the YAML file, applies command-line overrides (flags win), and validates everything at once. Every problem
 * names the file:line:col (or the flag), the key path, the value and what is wrong; unknown keys are errors.
 */
public final class ConfigLoader {

  /** A flag that sets a key, e.g. {@code -base-address} → {@code dhcp6.base-address}. */
  public record Override(String keyPath, Object value, String flag) {
    public Override {
      if (!(value instanceof String) && !(value instanceof List<?>)) {
        throw new IllegalArgumentException("override value must be a String or List<String>");
      }
    }
  }

  /** Default iPXE binaries: Debian's ipxe package. */
  public static final Map<IpxeTarget, Path> DEFAULT_IPXE =
      Map.of(
          IpxeTarget.BIOS, Paths.get("/usr/lib/ipxe/undionly.kpxe"),
          IpxeTarget.X86_64_EFI, Paths.get("/usr/lib/ipxe/ipxe.efi"));

  private static final Pattern DNS_NAME =
      Pattern.compile("(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
  private static final Pattern IFNAME = Pattern.compile("[^\\s/:]{1,15}");

  private final List<ConfigProblem> problems = new ArrayList<>();

  private ConfigLoader() {}

  /** Loads {@code file} (may be empty: defaults + flags only) and applies {@code overrides} in order. */
  public static BootlineConfig load(Optional<Path> file, List<Override> overrides) throws ConfigException {
    MapNode root;
    if (file.isPresent()) {
      Path f = file.get();
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new ConfigException(new ConfigProblem(new Origin(f.toString(), 0, 0), "", null, "file not found"));
      } catch (IOException e) {
        throw new ConfigException(
            new ConfigProblem(new Origin(f.toString(), 0, 0), "", null, "cannot read: " + e.getMessage()));
      }
      refuseWorldWritable(f);
      root = YamlTree.parse(text, f.toString());
    } else {
      root = new MapNode(new Origin("(no config file)", 0, 0), new LinkedHashMap<>());
    }
    return bindWithOverrides(root, overrides);
  }

  /** Parses YAML text (tests, explain). */
  public static BootlineConfig fromYaml(String yaml, String sourceName, List<Override> overrides)
      throws ConfigException {
    return bindWithOverrides(YamlTree.parse(yaml, sourceName), overrides);
  }

  private static BootlineConfig bindWithOverrides(MapNode root, List<Override> overrides) throws ConfigException {
    for (Override o : overrides) {
      apply(root, o);
    }
    ConfigLoader l = new ConfigLoader();
    BootlineConfig c = l.bind(root);
    if (!l.problems.isEmpty()) {
      throw new ConfigException(l.problems);
    }
    return c;
  }

  /** Someone else able to rewrite the config could point bootline at any file: refuse, as sshd does. */
  private static void refuseWorldWritable(Path f) throws ConfigException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
      if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new ConfigException(
            new ConfigProblem(
                new Origin(f.toString(), 0, 0), "", null, "file is world-writable; fix with chmod o-w " + f));
      }
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: nothing to check
    }
  }

  private static void apply(MapNode root, Override o) {
    String[] keys = o.keyPath().split("\\.");
    MapNode at = root;
    Origin origin = Origin.flag(o.flag());
    for (int i = 0; i < keys.length - 1; i++) {
      MapNode.Entry e = at.entries().get(keys[i]);
      if (e == null || !(e.value() instanceof MapNode)) {
        MapNode child = new MapNode(origin, new LinkedHashMap<>());
        at.entries().put(keys[i], new MapNode.Entry(origin, child));
        at = child;
      } else {
        at = (MapNode) e.value();
      }
    }
    ConfigNode value =
        switch (o.value()) {
          case String s -> new ScalarNode(origin, s);
          case List<?> l -> new ListNode(origin, l.stream().map(x -> (ConfigNode) new ScalarNode(origin, x.toString())).toList());
          default -> throw new IllegalStateException();
        };
    at.entries().put(keys[keys.length - 1], new MapNode.Entry(origin, value));
  }

  // ---- binding ------------------------------------------------------------------------------------------------

  private BootlineConfig bind(MapNode rootNode) {
    Obj root = new Obj(rootNode, "");
    List<String> interfaces = root.stringList("interfaces", this::interfaceName);
    Path stateDir = root.path("state-dir").orElse(Paths.get("/var/lib/bootline"));

    Obj d6 = root.child("dhcp6");
    boolean d6enabled = d6.bool("enabled", true);
    Optional<String> baseText = d6.string("base-address");
    Optional<Inet6Address> base = baseText.flatMap(t -> d6.check("base-address", t, ConfigLoader::baseAddress));
    int preference = d6.intIn("preference", 255, 0, 255);
    List<Inet6Address> dns = d6.list("dns", (n, s) -> ipv6(s));
    List<String> domains = d6.stringList("domain-search", ConfigLoader::dnsName);
    // flood (#8): per-client token bucket on 547; 0 = off (perfdhcp simulates 10^6 clients from one address)
    int rateLimit = d6.intIn("rate-limit-per-source", SourceRateLimiter.DEFAULT_PER_SECOND, 0, 1_000_000);
    d6.finish();

    Obj px = root.child("proxy-dhcp");
    boolean pxEnabled = px.bool("enabled", true);
    Optional<BootlineConfig.Menu> menu = px.has("menu") ? Optional.ofNullable(menu(px.child("menu"))) : Optional.empty();
    int pxRateLimit = px.intIn("rate-limit-per-source", SourceRateLimiter.DEFAULT_PER_SECOND, 0, 1_000_000); // flood (#8)
    px.finish();

    Obj bt = root.child("boot");
    Optional<UrlTemplate> template =
        bt.string("http-boot-url-template")
            .filter(s -> !s.isEmpty()) // dhcpv6macd: an empty template means no HTTP-boot instructions
            .flatMap(s -> bt.check("http-boot-url-template", s, UrlTemplate::parse));
    Map<IpxeTarget, Path> ipxe = new EnumMap<>(DEFAULT_IPXE);
    Set<IpxeTarget> explicit = EnumSet.noneOf(IpxeTarget.class);
    Obj ix = bt.child("ipxe");
    for (IpxeTarget t : IpxeTarget.values()) {
      Optional<Path> p = ix.path(t.key);
      if (p.isPresent()) {
        ix.checkReadableFile(t.key, p.get());
        ipxe.put(t, p.get());
        explicit.add(t);
      }
    }
    ix.finish();
    bt.finish();

    Obj tf = root.child("tftp");
    boolean tftpEnabled = tf.bool("enabled", true);
    Optional<Path> tftpRoot = tf.path("root");
    tftpRoot.ifPresent(p -> tf.checkDirectory("root", p));
    tf.finish();

    Obj ht = root.child("http");
    List<ListenAddress> listen = ht.list("listen", (n, s) -> listenAddress(s));
    if (!ht.has("listen")) {
      listen = List.of(new ListenAddress("", 80));
    }
    List<ListenAddress> adminListen = ht.list("admin-listen", (n, s) -> listenAddress(s));
    if (!ht.has("admin-listen")) {
      adminListen = List.of(new ListenAddress("", 6315));
    }
    Optional<BootlineConfig.Tls> tls = Optional.empty();
    List<ListenAddress> tlsListen = List.of();
    if (ht.has("tls")) {
      Obj t = ht.child("tls");
      Optional<Path> cert = t.path("cert-file");
      Optional<Path> key = t.path("key-file");
      cert.ifPresent(p -> t.checkReadableFile("cert-file", p));
      key.ifPresent(p -> t.checkReadableFile("key-file", p));
      tlsListen = t.list("listen", (n, s) -> listenAddress(s));
      if (!t.has("listen")) {
        tlsListen = List.of(new ListenAddress("", 443));
      }
      if (cert.isPresent() != key.isPresent()) {
        t.problem(cert.isPresent() ? "key-file" : "cert-file", null, "TLS needs both cert-file and key-file");
      } else if (cert.isPresent()) {
        tls = Optional.of(new BootlineConfig.Tls(cert.get(), key.get()));
      }
      t.finish();
    }
    Optional<Path> netbootDir = ht.path("netboot-dir");
    netbootDir.ifPresent(p -> ht.checkDirectory("netboot-dir", p));
    Optional<Path> tokenFile = ht.path("admin-token-file");
    tokenFile.ifPresent(p -> ht.checkReadableFile("admin-token-file", p));
    ht.finish();

    Obj lg = root.child("log");
    String level = lg.oneOf("level", "info", List.of("trace", "debug", "info", "warn", "error"));
    String format = lg.oneOf("format", "text", List.of("text", "json"));
    lg.finish();

    root.finish();
    return new BootlineConfig(
        interfaces,
        stateDir,
        new BootlineConfig.Dhcp6(d6enabled, base, baseText.orElse(""), preference, dns, domains, rateLimit),
        new BootlineConfig.ProxyDhcp(pxEnabled, menu, pxRateLimit),
        new BootlineConfig.Boot(template, Map.copyOf(ipxe), Set.copyOf(explicit)),
        new BootlineConfig.Tftp(tftpEnabled, tftpRoot),
        new BootlineConfig.Http(listen, adminListen, tls, tlsListen, netbootDir, tokenFile),
        new BootlineConfig.Logging(level, format));
  }

  private BootlineConfig.Menu menu(Obj m) {
    String prompt = m.string("prompt").orElse("");
    int timeout = m.intIn("timeout", 5, 0, 255);
    List<BootlineConfig.MenuItem> items = new ArrayList<>();
    Optional<ListNode> list = m.listNode("items");
    if (list.isEmpty() || list.get().items().isEmpty()) {
      m.problem("items", null, "a menu needs at least one item (label + boot)");
    } else {
      int i = 0;
      for (ConfigNode n : list.get().items()) {
        String path = m.path + ".items[" + i++ + "]";
        if (!(n instanceof MapNode mn)) {
          problems.add(new ConfigProblem(n.origin(), path, null, "expected a mapping with label and boot, found " + n.kind()));
          continue;
        }
        Obj it = new Obj(mn, path);
        String label = it.string("label").orElse(null);
        if (label == null || label.isEmpty()) {
          it.problem("label", null, "every menu item needs a label");
        }
        MenuBoot boot = menuBoot(it);
        it.finish();
        if (label != null && boot != null) {
          items.add(new BootlineConfig.MenuItem(label, boot));
        }
      }
    }
    m.finish();
    return new BootlineConfig.Menu(prompt, timeout, List.copyOf(items));
  }

  private MenuBoot menuBoot(Obj it) {
    Optional<ConfigNode> n = it.node("boot");
    if (n.isEmpty()) {
      it.problem("boot", null, "missing: say ipxe, local, or {file: PATH}");
      return null;
    }
    if (n.get() instanceof ScalarNode s) {
      return switch (s.text() == null ? "" : s.text()) {
        case "ipxe" -> new MenuBoot.Ipxe();
        case "local" -> new MenuBoot.Local();
        default -> {
          it.problem("boot", s.text(), "expected ipxe, local, or {file: PATH}");
          yield null;
        }
      };
    }
    if (n.get() instanceof MapNode mn) {
      Obj f = new Obj(mn, it.path + ".boot");
      Optional<String> file = f.string("file");
      f.finish();
      if (file.isEmpty() || file.get().isEmpty()) {
        f.problem("file", null, "missing: the boot file's path under tftp.root");
        return null;
      }
      String p = file.get();
      if (p.startsWith("/") || p.contains("\\") || Paths.get(p).normalize().startsWith("..") || p.indexOf('\0') >= 0) {
        f.problem("file", p, "must be a relative path inside tftp.root");
        return null;
      }
      return new MenuBoot.File(p);
    }
    it.problem("boot", null, "expected ipxe, local, or {file: PATH}, found " + n.get().kind());
    return null;
  }

  // ---- value checks (throw IllegalArgumentException with the reason) -----------------------------------------

  static Inet6Address baseAddress(String text) {
    Inet6Address a = ipv6(text);
    if (a.isMulticastAddress()) {
      throw new IllegalArgumentException("is a multicast address; the base address must be a unicast /80 prefix");
    }
    if (a.isAnyLocalAddress() || a.isLoopbackAddress()) {
      throw new IllegalArgumentException("is not a usable unicast prefix");
    }
    if (a.isLinkLocalAddress()) {
      throw new IllegalArgumentException("is link-local (fe80::/10); DHCPv6 addresses need a global or ULA /80");
    }
    byte[] b = a.getAddress();
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      throw new IllegalArgumentException("is an IPv4-mapped address, not an IPv6 prefix");
    }
    return a;
  }

  static Inet6Address ipv6(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    if (slash >= 0) {
      String len = t.substring(slash + 1);
      if (!len.matches("\\d{1,3}") || Integer.parseInt(len) > 80) {
        throw new IllegalArgumentException("prefix length must be at most /80 (the MAC fills the last 48 bits)");
      }
      t = t.substring(0, slash);
    }
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (!t.contains(":") || !t.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("is not an IPv6 address");
    }
    try {
      InetAddress a = InetAddress.getByName(t); // literal only: the regex above rules out host names
      if (a instanceof Inet6Address v6) {
        return v6;
      }
      throw new IllegalArgumentException("is an IPv4 address, expected IPv6");
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("is not an IPv6 address");
    }
  }

  static String dnsName(String s) {
    if (!DNS_NAME.matcher(s).matches()) {
      throw new IllegalArgumentException("is not a valid domain name");
    }
    return s;
  }

  String interfaceName(String s) {
    if (!IFNAME.matcher(s).matches()) {
      throw new IllegalArgumentException("is not a valid interface name (1-15 characters, no '/', ':' or spaces)");
    }
    return s;
  }

  static ListenAddress listenAddress(String s) {
    String t = s.strip();
    int colon = t.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected HOST:PORT, [IPv6]:PORT or :PORT");
    }
    String host = t.substring(0, colon);
    String port = t.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("an IPv6 host must be in brackets, e.g. [2001:db8::1]:80");
    }
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("port must be 1-65535");
    }
    return new ListenAddress(host, Integer.parseInt(port));
  }

  // ---- a mapping being read: tracks used keys so the rest are reported as unknown ---------------------------

  private final class Obj {
    final MapNode node;
    final String path;
    final Set<String> used = new LinkedHashSet<>();

    Obj(MapNode node, String path) {
      this.node = node;
      this.path = path;
    }

    String key(String k) {
      return path.isEmpty() ? k : path + "." + k;
    }

    boolean has(String k) {
      return node.entries().containsKey(k);
    }

    Optional<ConfigNode> node(String k) {
      used.add(k);
      MapNode.Entry e = node.entries().get(k);
      return e == null ? Optional.empty() : Optional.of(e.value());
    }

    void problem(String k, String value, String message) {
      MapNode.Entry e = node.entries().get(k);
      Origin o = e != null ? e.value().origin() : node.origin();
      problems.add(new ConfigProblem(o, key(k), value, message));
    }

    <T> Optional<T> check(String k, String value, Function<String, T> f) {
      try {
        return Optional.of(f.apply(value));
      } catch (IllegalArgumentException e) {
        problem(k, value, e.getMessage());
        return Optional.empty();
      }
    }

    Optional<String> string(String k) {
      Optional<ConfigNode> n = node(k);
      if (n.isEmpty()) {
        return Optional.empty();
      }
      if (n.get() instanceof ScalarNode s) {
        return Optional.of(s.text() == null ? "" : s.text());
      }
      problem(k, null, "expected a single value, found " + n.get().kind());
      return Optional.empty();
    }

    Optional<Path> path(String k) {
      return string(k).flatMap(s -> {
        if (s.isEmpty()) {
          problem(k, s, "empty path");
          return Optional.empty();
        }
        return check(k, s, Paths::get);
      });
    }

    boolean bool(String k, boolean def) {
      return string(k).map(s -> switch (s.toLowerCase()) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> {
          problem(k, s, "expected true or false");
          yield def;
        }
      }).orElse(def);
    }

    int intIn(String k, int def, int min, int max) {
      return string(k).map(s -> {
        try {
          int v = Integer.parseInt(s.strip());
          if (v < min || v > max) {
            problem(k, s, "out of range: must be " + min + "-" + max);
            return def;
          }
          return v;
        } catch (NumberFormatException e) {
          problem(k, s, "expected a whole number " + min + "-" + max);
          return def;
        }
      }).orElse(def);
    }

    String oneOf(String k, String def, Collection<String> allowed) {
      return string(k).map(s -> {
        if (!allowed.contains(s)) {
          problem(k, s, "expected one of " + String.join(", ", allowed));
          return def;
        }
        return s;
      }).orElse(def);
    }

    Optional<ListNode> listNode(String k) {
      Optional<ConfigNode> n = node(k);
      if (n.isEmpty()) {
        return Optional.empty();
      }
      if (n.get() instanceof ListNode l) {
        return Optional.of(l);
      }
      if (n.get() instanceof ScalarNode s && s.text() != null && !s.text().isEmpty()) {
        // a single value where a list is expected: accept it as a one-item list (flags and hand-written YAML alike)
        return Optional.of(new ListNode(s.origin(), List.of(s)));
      }
      if (n.get() instanceof ScalarNode) {
        return Optional.of(new ListNode(n.get().origin(), List.of()));
      }
      problem(k, null, "expected a list, found " + n.get().kind());
      return Optional.empty();
    }

    interface ItemParser<T> {
      T parse(ConfigNode n, String s);
    }

    <T> List<T> list(String k, ItemParser<T> parser) {
      List<T> out = new ArrayList<>();
      Optional<ListNode> l = listNode(k);
      if (l.isEmpty()) {
        return out;
      }
      int i = 0;
      for (ConfigNode n : l.get().items()) {
        String itemKey = key(k) + "[" + i++ + "]";
        if (!(n instanceof ScalarNode s) || s.text() == null) {
          problems.add(new ConfigProblem(n.origin(), itemKey, null, "expected a single value, found " + n.kind()));
          continue;
        }
        try {
          out.add(parser.parse(n, s.text()));
        } catch (IllegalArgumentException e) {
          problems.add(new ConfigProblem(n.origin(), itemKey, s.text(), e.getMessage()));
        }
      }
      return List.copyOf(out);
    }

    List<String> stringList(String k, Function<String, String> check) {
      return list(k, (n, s) -> check.apply(s));
    }

    Obj child(String k) {
      Optional<ConfigNode> n = node(k);
      if (n.isPresent() && n.get() instanceof MapNode m) {
        return new Obj(m, key(k));
      }
      if (n.isPresent() && !(n.get() instanceof ScalarNode s && s.text() == null)) {
        problem(k, null, "expected a mapping of keys, found " + n.get().kind());
      }
      return new Obj(new MapNode(node.origin(), new LinkedHashMap<>()), key(k));
    }

    void checkReadableFile(String k, Path p) {
      if (!Files.isRegularFile(p)) {
        problem(k, p.toString(), Files.exists(p) ? "not a regular file" : "no such file");
      } else if (!Files.isReadable(p)) {
        problem(k, p.toString(), "not readable by this user");
      }
    }

    void checkDirectory(String k, Path p) {
      if (!Files.isDirectory(p)) {
        problem(k, p.toString(), Files.exists(p) ? "not a directory" : "no such directory");
      }
    }

    void finish() {
      for (Map.Entry<String, MapNode.Entry> e : node.entries().entrySet()) {
        if (!used.contains(e.getKey())) {
          String hint = suggestion(e.getKey(), used);
          problems.add(
              new ConfigProblem(
                  e.getValue().keyOrigin(),
                  key(e.getKey()),
                  null,
                  "unknown key" + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                      + (used.isEmpty() ? "" : "; known here: " + String.join(", ", used))));
        }
      }
    }
  }

  /** The closest known key by edit distance, if close enough to be a typo. */
  static String suggestion(String key, Collection<String> known) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key.toLowerCase(), k.toLowerCase());
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best != null && bestD <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
