package dev.bootline.cli;

import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigException;
import dev.bootline.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bootline serve}: the daemon. Accepts dhcpv6macd's single-dash flags as well as {@code --} forms; a flag
 * overrides the config file.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the boot server (ProxyDHCP 67/4011, DHCPv6 547, TFTP 69, HTTP) on the given interfaces.")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = {"--config", "-config", "-c"}, paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(names = {"-interface", "--interface"}, paramLabel = "NAME", description = "Interface to serve (repeatable).")
  List<String> interfaces;

  @Option(names = {"-base-address", "--base-address"}, paramLabel = "ADDR",
      description = "DHCPv6 base address: first 80 bits are the prefix, the MAC fills the rest.")
  String baseAddress;

  @Option(names = {"-http-boot-url-template", "--http-boot-url-template"}, paramLabel = "T",
      description = "HTTP-boot URL template ({{.MAC}}, {{.BaseAddress}}, {{.Payload}}).")
  String httpBootUrlTemplate;

  @Option(names = {"-tls-cert-file", "--tls-cert-file"}, paramLabel = "F", description = "TLS certificate (PEM).")
  String tlsCertFile;

  @Option(names = {"-tls-key-file", "--tls-key-file"}, paramLabel = "F", description = "TLS private key (PEM).")
  String tlsKeyFile;

  @Option(names = {"-netboot-dir", "--netboot-dir"}, paramLabel = "DIR",
      description = "Per-MAC netboot directory: /mac/<mac>/<file> is served from DIR/<mac>/<file>.")
  String netbootDir;

  @Option(names = {"-ipxe-x86-64-efi", "--ipxe-x86-64-efi"}, paramLabel = "F", description = "iPXE binary for x86-64 UEFI.")
  String ipxeX8664Efi;

  @Option(names = {"--state-dir", "-state-dir"}, paramLabel = "DIR", description = "Event journal and assignments.")
  String stateDir;

  @Option(names = {"--tftp-root", "-tftp-root"}, paramLabel = "DIR", description = "TFTP root directory.")
  String tftpRoot;

  @Option(names = {"--http-listen", "-http-listen"}, paramLabel = "ADDR", description = "Boot HTTP listen address(es), e.g. :80.")
  List<String> httpListen;

  @Option(names = {"--admin-listen", "-admin-listen"}, paramLabel = "ADDR", description = "Admin HTTP listen address(es), e.g. 127.0.0.1:6315.")
  List<String> adminListen;

  @Option(names = {"--log-format"}, paramLabel = "text|json", description = "Log line format: text (one human line per decision, the default) or json (one JSON object per line on stderr).")
  String logFormat;

  // [ops] the one logging key that had no flag
  @Option(names = {"--log-level"}, paramLabel = "LEVEL", description = "Log level: trace, debug, info (the default), warn or error.")
  String logLevel;

  @Option(names = {"--check"}, description = "Validate the configuration and exit (0 = valid).")
  boolean check;

  /**
   * [startup] serve's usual command line without picocli: picocli's classes are Java 5 class files, which the AOT cache
   * cannot keep verified and linked, so building its command model cost ~0.6 s of a restart on a loaded 2-core box
   * (bench/storm/startup, TRACE=1). This takes only well-formed lines of the options above ({@code -x V}, {@code --x=V},
   * repeats of the list options, {@code --check}); anything else (help, version, unknown or repeated options, a missing
   * value, {@code @files}, {@code --}) returns empty and goes to picocli, so help and errors stay picocli's.
   * ServeCommandTest checks this table against the annotations and the parse against picocli's.
   */
  static Optional<ServeCommand> parseUsual(String[] args) {
    ServeCommand c = new ServeCommand();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("-") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      String field = FIELDS.get(name);
      if (field == null) {
        return Optional.empty();
      }
      if (field.equals("check")) {
        if (value != null || !seen.add(field)) {
          return Optional.empty();
        }
        c.check = true;
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
          return Optional.empty(); // picocli says what is missing, or decides whether "-…" is a value
        }
        value = args[++i];
      }
      boolean list = field.equals("interfaces") || field.equals("httpListen") || field.equals("adminListen");
      if (!list && !seen.add(field)) {
        return Optional.empty(); // picocli rejects an option given twice
      }
      switch (field) {
        case "config" -> {
          try {
            c.config = Path.of(value);
          } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
          }
        }
        case "interfaces" -> c.interfaces = append(c.interfaces, value);
        case "httpListen" -> c.httpListen = append(c.httpListen, value);
        case "adminListen" -> c.adminListen = append(c.adminListen, value);
        case "baseAddress" -> c.baseAddress = value;
        case "httpBootUrlTemplate" -> c.httpBootUrlTemplate = value;
        case "tlsCertFile" -> c.tlsCertFile = value;
        case "tlsKeyFile" -> c.tlsKeyFile = value;
        case "netbootDir" -> c.netbootDir = value;
        case "ipxeX8664Efi" -> c.ipxeX8664Efi = value;
        case "stateDir" -> c.stateDir = value;
        case "tftpRoot" -> c.tftpRoot = value;
        case "logFormat" -> c.logFormat = value;
        case "logLevel" -> c.logLevel = value;
        default -> {
          return Optional.empty();
        }
      }
    }
    return Optional.of(c);
  }

  private static List<String> append(List<String> l, String v) {
    List<String> r = l == null ? new ArrayList<>() : l;
    r.add(v);
    return r;
  }

  /** Option name → field, for {@link #parseUsual}; the same names as the {@code @Option}s (ServeCommandTest). */
  static final java.util.Map<String, String> FIELDS = java.util.Map.ofEntries(
      java.util.Map.entry("--config", "config"), java.util.Map.entry("-config", "config"),
      java.util.Map.entry("-c", "config"),
      java.util.Map.entry("-interface", "interfaces"), java.util.Map.entry("--interface", "interfaces"),
      java.util.Map.entry("-base-address", "baseAddress"), java.util.Map.entry("--base-address", "baseAddress"),
      java.util.Map.entry("-http-boot-url-template", "httpBootUrlTemplate"),
      java.util.Map.entry("--http-boot-url-template", "httpBootUrlTemplate"),
      java.util.Map.entry("-tls-cert-file", "tlsCertFile"), java.util.Map.entry("--tls-cert-file", "tlsCertFile"),
      java.util.Map.entry("-tls-key-file", "tlsKeyFile"), java.util.Map.entry("--tls-key-file", "tlsKeyFile"),
      java.util.Map.entry("-netboot-dir", "netbootDir"), java.util.Map.entry("--netboot-dir", "netbootDir"),
      java.util.Map.entry("-ipxe-x86-64-efi", "ipxeX8664Efi"), java.util.Map.entry("--ipxe-x86-64-efi", "ipxeX8664Efi"),
      java.util.Map.entry("--state-dir", "stateDir"), java.util.Map.entry("-state-dir", "stateDir"),
      java.util.Map.entry("--tftp-root", "tftpRoot"), java.util.Map.entry("-tftp-root", "tftpRoot"),
      java.util.Map.entry("--http-listen", "httpListen"), java.util.Map.entry("-http-listen", "httpListen"),
      java.util.Map.entry("--admin-listen", "adminListen"), java.util.Map.entry("-admin-listen", "adminListen"),
      java.util.Map.entry("--log-format", "logFormat"), java.util.Map.entry("--log-level", "logLevel"),
      java.util.Map.entry("--check", "check"));

  /** The overrides the flags imply, in a fixed order. */
  List<ConfigLoader.Override> overrides() {
    List<ConfigLoader.Override> o = new ArrayList<>();
    if (interfaces != null) {
      o.add(new ConfigLoader.Override("interfaces", List.copyOf(interfaces), "-interface"));
    }
    add(o, "dhcp6.base-address", baseAddress, "-base-address");
    add(o, "boot.http-boot-url-template", httpBootUrlTemplate, "-http-boot-url-template");
    add(o, "http.tls.cert-file", tlsCertFile, "-tls-cert-file");
    add(o, "http.tls.key-file", tlsKeyFile, "-tls-key-file");
    add(o, "http.netboot-dir", netbootDir, "-netboot-dir");
    add(o, "boot.ipxe.x86_64-efi", ipxeX8664Efi, "-ipxe-x86-64-efi");
    add(o, "state-dir", stateDir, "--state-dir");
    add(o, "tftp.root", tftpRoot, "--tftp-root");
    if (httpListen != null) {
      o.add(new ConfigLoader.Override("http.listen", List.copyOf(httpListen), "--http-listen"));
    }
    if (adminListen != null) {
      o.add(new ConfigLoader.Override("http.admin-listen", List.copyOf(adminListen), "--admin-listen"));
    }
    add(o, "log.format", logFormat, "--log-format");
    add(o, "log.level", logLevel, "--log-level"); // [ops]
    return o;
  }

  private static void add(List<ConfigLoader.Override> o, String key, String value, String flag) {
    if (value != null) {
      o.add(new ConfigLoader.Override(key, value, flag));
    }
  }

  @Override
  public Integer call() throws Exception {
    StartupTrace.step("command line parsed");
    BootlineConfig cfg;
    try {
      cfg = ConfigLoader.load(Optional.ofNullable(config), overrides());
      if (cfg.interfaces().isEmpty()) {
        System.err.println("bootline: no interface to serve: give -interface NAME (repeatable) or 'interfaces:' in the config file");
        return 2;
      }
    } catch (ConfigException e) {
      System.err.println("bootline: " + e.getMessage());
      return 2;
    }
    StartupTrace.step("config loaded");
    ServeWarmup.awaitLogging(); // [startup] ProxyDhcpServer's logger below must be logback's, not a stand-in
    List<String> menuProblems = dev.bootline.dhcp4.ProxyDhcpServer.validate(cfg);
    if (!menuProblems.isEmpty()) {
      System.err.println("bootline: invalid configuration:\n  " + String.join("\n  ", menuProblems));
      return 2;
    }
    if (check) {
      System.out.println("configuration OK: interfaces " + String.join(", ", cfg.interfaces()));
      return 0;
    }
    LogFormat.apply(cfg.logging()); // [ops] log.level and log.format, before any server logs
    StartupTrace.step("logging configured");
    return Daemon.run(cfg);
  }
}
