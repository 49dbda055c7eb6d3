package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each export is parsed by the real daemon's config check (no DHCP service is started: {@code -t}/{@code --test}
 * only parse). Skipped when the daemon is not installed, unless {@code -Dbootline.lab.required=true}
 * ({@code scripts/install-deps test} installs all three).
 */
class ExportDaemonCheckTest {
  @TempDir Path dir;
  String config;

  @BeforeEach
  void config() throws Exception {
    config = Cli.exampleConfig(dir).toString();
  }

  record Run(int exitCode, String output) {}

  @Test
  void iscDhcpdAcceptsTheExport() throws Exception {
    String dhcpd = require("/usr/sbin/dhcpd", "isc-dhcp-server");
    // dhcpd wants a subnet to serve; the export is a snippet for one.
    Path ok = write("dhcpd.conf", export("isc-dhcpd") + "subnet 192.0.2.0 netmask 255.255.255.0 { }\n");
    Run r = run(dhcpd, "-t", "-cf", ok.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path bad = write("bad-dhcpd.conf", export("isc-dhcpd").replace("option vendor-encapsulated-options 06:", "option vendor-encapsulated-options 0g:"));
    assertThat(run(dhcpd, "-t", "-cf", bad.toString()).exitCode()).as("the check can fail").isNotZero();
  }

  @Test
  void keaAcceptsTheExport() throws Exception {
    String kea = require("/usr/sbin/kea-dhcp4", "kea-dhcp4-server");
    Path ok = write("kea.conf", export("kea"));
    Run r = run(kea, "-t", ok.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path bad = write("bad-kea.conf", export("kea").replace("\"csv-format\": false, \"data\": \"06", "\"csv-format\": false, \"data\": \"G6"));
    assertThat(run(kea, "-t", bad.toString()).exitCode()).as("the check can fail").isNotZero();
  }

  @Test
  void dnsmasqAcceptsTheExport() throws Exception {
    String dnsmasq = require("/usr/sbin/dnsmasq", "dnsmasq-base");
    Path ok = write("dnsmasq.conf", export("dnsmasq"));
    Run r = run(dnsmasq, "--test", "--conf-file=" + ok);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("syntax check OK");
    Path bad = write("bad-dnsmasq.conf", export("dnsmasq").replace("dhcp-match=", "dhcp-matsch="));
    assertThat(run(dnsmasq, "--test", "--conf-file=" + bad).exitCode()).as("the check can fail").isNotZero();
  }

  @Test
  void keaAcceptsTheExportWithoutAUrlTemplate() throws Exception {
    String kea = require("/usr/sbin/kea-dhcp4", "kea-dhcp4-server");
    Path noUrl = write("no-url.yaml", Files.readString(Path.of(config)).replaceAll("(?s)boot:\\n  http-boot-url-template:[^\\n]*\\n", ""));
    Cli e = Cli.run("export", "--format", "kea", "--config", noUrl.toString());
    assertThat(e.exitCode()).as(e.err()).isZero();
    assertThat(e.out()).contains("no boot.http-boot-url-template").contains("\"name\": \"bootline-ipxe\"");
    Run r = run(kea, "-t", write("kea-no-url.conf", e.out()).toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  private String export(String format) {
    Cli r = Cli.run("export", "--format", format, "--config", config);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r.out();
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String require(String binary, String pkg) {
    if (Files.isExecutable(Path.of(binary))) {
      return binary;
    }
    String message = binary + " is missing (Debian package " + pkg + "; scripts/install-deps test installs it)";
    if (Boolean.parseBoolean(System.getProperty("bootline.lab.required", "false"))) {
      throw new AssertionError(message + " (bootline.lab.required=true)");
    }
    Assumptions.abort(message);
    return binary;
  }

  private static Run run(String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
