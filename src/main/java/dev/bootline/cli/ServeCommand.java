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
