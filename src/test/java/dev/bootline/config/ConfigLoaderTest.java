package dev.bootline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.config.BootlineConfig.MenuBoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static String errorOf(String yaml, ConfigLoader.Override... overrides) {
    try {
      ConfigLoader.fromYaml(yaml, "bootline.yaml", List.of(overrides));
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a configuration error for:\n" + yaml);
  }

  @Test
  void fullExampleFromDesignLoads() throws Exception {
    BootlineConfig c =
        ConfigLoader.fromYaml(
            """
            interfaces: [br0, eth1]
            state-dir: /tmp/bootline-state
            dhcp6:
              base-address: "2001:db8:0123:4567::"
              preference: 255
              dns: ["2001:db8::53"]
              domain-search: [lab.example]
            proxy-dhcp:
              enabled: true
              menu:
                prompt: "Press F8 for the boot menu"
                timeout: 5
                items:
                  - label: "Network boot (iPXE)"
                    boot: ipxe
                  - label: "Boot from local disk"
                    boot: local
                  - label: "Rescue"
                    boot: {file: rescue/pxelinux.0}
            boot:
              http-boot-url-template: "http://[{{.BaseAddress}}]/mac/{{.MAC}}/boot.ipxe"
            http:
              listen: [":80", "[2001:db8::1]:8080"]
              admin-listen: ["127.0.0.1:6315"]
            """,
            "bootline.yaml",
            List.of());
    assertThat(c.interfaces()).containsExactly("br0", "eth1");
    assertThat(c.dhcp6().baseAddress()).isPresent();
    assertThat(c.dhcp6().preference()).isEqualTo(255);
    assertThat(c.dhcp6().domainSearch()).containsExactly("lab.example");
    BootlineConfig.Menu menu = c.proxyDhcp().menu().orElseThrow();
    assertThat(menu.items()).extracting(BootlineConfig.MenuItem::boot)
        .containsExactly(new MenuBoot.Ipxe(), new MenuBoot.Local(), new MenuBoot.File("rescue/pxelinux.0"));
    assertThat(c.boot().httpBootUrlTemplate()).isPresent();
    assertThat(c.http().listen()).extracting(Object::toString).containsExactly(":80", "[2001:db8::1]:8080");
    assertThat(c.http().adminListen()).extracting(Object::toString).containsExactly("127.0.0.1:6315");
  }

  @Test
  void unknownKeyNamesLineColumnAndSuggestsTheKnownOne() {
    String msg = errorOf("dhcp6:\n  base-adress: \"2001:db8::\"\n");
    assertThat(msg).contains("bootline.yaml:2:3: dhcp6.base-adress: unknown key (did you mean 'base-address'?)");
  }

  @Test
  void unknownTopLevelKeyIsAnError() {
    assertThat(errorOf("interface: [br0]\n")).contains("bootline.yaml:1:1: interface: unknown key (did you mean 'interfaces'?)");
  }

  @Test
  void baseAddressThatIsNotAUsablePrefixIsRefused() {
    assertThat(errorOf("dhcp6:\n  base-address: ff02::1:2\n"))
        .contains("bootline.yaml:2:17: dhcp6.base-address = \"ff02::1:2\": is a multicast address");
    assertThat(errorOf("dhcp6:\n  base-address: \"fe80::\"\n")).contains("is link-local");
    // unquoted IPv6 ending in '::' is a YAML mapping: the message says how to fix it
    assertThat(errorOf("dhcp6:\n  base-address: 2001:db8::\n")).contains("quote");
    assertThat(errorOf("dhcp6:\n  base-address: 192.0.2.1\n")).contains("is not an IPv6 address");
    assertThat(errorOf("dhcp6:\n  base-address: 2001:db8::/96\n")).contains("prefix length must be at most /80");
  }

  @Test
  void flagErrorsNameTheFlag() {
    String msg = errorOf("", new ConfigLoader.Override("dhcp6.base-address", "not-an-address", "-base-address"));
    assertThat(msg).contains("flag -base-address: dhcp6.base-address = \"not-an-address\": is not an IPv6 address");
  }

  @Test
  void flagsOverrideTheFile() throws Exception {
    BootlineConfig c =
        ConfigLoader.fromYaml(
            "interfaces: [eth0]\ndhcp6:\n  base-address: \"2001:db8:1::\"\n",
            "f.yaml",
            List.of(
                new ConfigLoader.Override("interfaces", List.of("br0"), "-interface"),
                new ConfigLoader.Override("dhcp6.base-address", "2001:db8:2::", "-base-address")));
    assertThat(c.interfaces()).containsExactly("br0");
    assertThat(c.dhcp6().baseAddressText()).isEqualTo("2001:db8:2::");
  }

  @Test
  void rangeAndTypeErrors() {
    assertThat(errorOf("proxy-dhcp:\n  menu:\n    timeout: 300\n    items: [{label: a, boot: ipxe}]\n"))
        .contains("bootline.yaml:3:14: proxy-dhcp.menu.timeout = \"300\": out of range: must be 0-255");
    assertThat(errorOf("dhcp6:\n  preference: high\n")).contains("dhcp6.preference = \"high\": expected a whole number 0-255");
    assertThat(errorOf("proxy-dhcp:\n  enabled: maybe\n")).contains("expected true or false");
    assertThat(errorOf("dhcp6: [a, b]\n")).contains("dhcp6: expected a mapping of keys, found a list");
  }

  @Test
  void rateLimitPerSourceDefaultsTo200AndZeroTurnsItOff() throws Exception { // flood (#8)
    assertThat(ConfigLoader.fromYaml("", "bootline.yaml", List.of()).dhcp6().rateLimitPerSource()).isEqualTo(200);
    assertThat(ConfigLoader.fromYaml("dhcp6:\n  rate-limit-per-source: 0\n", "bootline.yaml", List.of())
        .dhcp6().rateLimitPerSource()).isZero();
    assertThat(ConfigLoader.fromYaml("dhcp6:\n  rate-limit-per-source: 50\n", "bootline.yaml", List.of())
        .dhcp6().rateLimitPerSource()).isEqualTo(50);
  }

  @Test
  void badRateLimitPerSourceSaysFileKeyAndWhy() { // flood (#8)
    assertThat(errorOf("dhcp6:\n  rate-limit-per-source: -1\n"))
        .contains("bootline.yaml:2:26: dhcp6.rate-limit-per-source = \"-1\": out of range: must be 0-1000000");
    assertThat(errorOf("dhcp6:\n  rate-limit-per-source: off\n"))
        .contains("dhcp6.rate-limit-per-source = \"off\": expected a whole number 0-1000000");
    assertThat(errorOf("dhcp6:\n  rate-limit-per-source: 2.5\n")).contains("dhcp6.rate-limit-per-source = \"2.5\"");
    assertThat(errorOf("dhcp6:\n  rate-limit-per-sorce: 10\n")).contains("unknown key (did you mean 'rate-limit-per-source'?)");
    assertThat(errorOf("proxy-dhcp:\n  rate-limit-per-source: 1000001\n"))
        .contains("bootline.yaml:2:26: proxy-dhcp.rate-limit-per-source = \"1000001\": out of range: must be 0-1000000");
  }

  @Test
  void proxyRateLimitPerSourceIsItsOwnKey() throws Exception { // flood (#8)
    BootlineConfig c = ConfigLoader.fromYaml("proxy-dhcp:\n  rate-limit-per-source: 0\n", "bootline.yaml", List.of());
    assertThat(c.proxyDhcp().rateLimitPerSource()).isZero();
    assertThat(c.dhcp6().rateLimitPerSource()).isEqualTo(200);
    assertThat(ConfigLoader.fromYaml("", "bootline.yaml", List.of()).proxyDhcp().rateLimitPerSource()).isEqualTo(200);
  }

  @Test
  void menuItemsAreChecked() {
    String msg = errorOf("proxy-dhcp:\n  menu:\n    items:\n      - label: x\n        boot: {file: ../etc/shadow}\n      - boot: disk\n");
    assertThat(msg)
        .contains("proxy-dhcp.menu.items[0].boot.file = \"../etc/shadow\": must be a relative path inside tftp.root")
        .contains("proxy-dhcp.menu.items[1].label: every menu item needs a label")
        .contains("proxy-dhcp.menu.items[1].boot = \"disk\": expected ipxe, local, or {file: PATH}");
  }

  @Test
  void templateWithUnknownFieldIsAConfigError() {
    assertThat(errorOf("boot:\n  http-boot-url-template: 'http://x/{{.Mac}}'\n"))
        .contains("boot.http-boot-url-template = \"http://x/{{.Mac}}\": unknown template field '.Mac'");
    assertThat(errorOf("boot:\n  http-boot-url-template: 'tftp://x/{{.MAC}}'\n")).contains("must be an http:// or https:// URL");
  }

  @Test
  void emptyTemplateMeansNoHttpBoot() throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml("boot:\n  http-boot-url-template: ''\n", "f", List.of());
    assertThat(c.boot().httpBootUrlTemplate()).isEmpty();
  }

  @Test
  void missingFilesAreReportedWithTheirKey(@TempDir Path dir) {
    String msg = errorOf("boot:\n  ipxe:\n    x86_64-efi: " + dir.resolve("nope.efi") + "\ntftp:\n  root: " + dir.resolve("none") + "\n");
    assertThat(msg)
        .contains("boot.ipxe.x86_64-efi = \"" + dir.resolve("nope.efi") + "\": no such file")
        .contains("tftp.root = \"" + dir.resolve("none") + "\": no such directory");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String msg = errorOf("dhcp6:\n  preference: -1\n  dns: [not-v6]\nhttp:\n  listen: [':99999']\nbogus: 1\n");
    assertThat(msg).startsWith("4 configuration problems:");
  }

  @Test
  void invalidYamlSaysWhere() {
    assertThat(errorOf("dhcp6:\n  base-address: [unclosed\n")).contains("bootline.yaml:").contains("not valid YAML");
  }

  @Test
  void duplicateKeysAreErrors() {
    assertThat(errorOf("dhcp6:\n  preference: 1\n  preference: 2\n")).contains("preference: duplicate key (first given at bootline.yaml:2:3)");
  }

  @Test
  void worldWritableConfigIsRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bootline.yaml");
    Files.writeString(f, "interfaces: [br0]\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(f + ": file is world-writable");
  }

  @Test
  void missingFileIsReported(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("x.yaml")), List.of()))
        .hasMessageContaining("x.yaml: file not found");
  }
}
