package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Message;
import dev.bootline.dhcp6.Dhcp6Responder;
import dev.bootline.dhcp6.Bytes;
import dev.bootline.dhcp6.Duid;
import dev.bootline.testing.Fixtures;
import dev.bootline.wire.Hex;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The bytes the proxy and the DHCPv6 responder put on the wire for every captured client packet, under a few
 * configurations, must stay exactly those of the encoder and reply builder before the allocation pass (issue #8, fifth
 * pass): {@code src/test/resources/golden/reply-bytes.txt} was written by this test against d666a6b
 * ({@code -Dbootline.golden.write=true} rewrites it; only do that for a deliberate change of the wire format).
 */
class ReplyBytesGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/reply-bytes.txt");

  static final String[] V4_CONFIGS = {
    ProxyResponderTest.NO_MENU_CONFIG,
    ProxyResponderTest.MENU_CONFIG,
    """
    interfaces: [br0]
    boot:
      http-boot-url-template: "http://192.0.2.1/a/very/long/path/that/does/not/fit/the/file/field/of/one/hundred/and/twenty/eight/bytes/{{.MAC}}/boot.ipxe"
    """,
  };

  static final String V6_CONFIG =
      """
      interfaces: [br0]
      dhcp6:
        base-address: "2001:db8:1:0:abcd::"
        dns: ["2001:db8::53"]
        domain-search: ["example.test"]
      boot:
        http-boot-url-template: "http://[2001:db8:1::1]/mac/{{.MAC}}/boot.ipxe"
      """;

  @Test
  void repliesToEveryCapturedRequestAreByteIdenticalToBefore() throws Exception {
    List<String> lines = new ArrayList<>();
    Inet4Address us = (Inet4Address) InetAddress.getByName("192.0.2.1");
    for (int c = 0; c < V4_CONFIGS.length; c++) {
      BootlineConfig cfg = ConfigLoader.fromYaml(V4_CONFIGS[c], "t.yaml", List.of());
      for (Path f : Fixtures.hexFiles("-client-dhcp4-")) {
        for (ProxyResponder.Service service : ProxyResponder.Service.values()) {
          for (String source : List.of("0.0.0.0", "192.0.2.77")) {
            // A fresh responder per request: its memories (chain window) must not depend on the order of fixtures.
            ProxyResponder responder = new ProxyResponder(cfg, new BootPolicy(cfg), Assignment.Source.NONE, () -> 5L);
            Dhcp4Message request = Dhcp4Message.decode(Fixtures.bytes(f));
            ProxyResponder.Outcome o = responder.respond(request, new ProxyResponder.Arrival(service, "br0", 3, us,
                new InetSocketAddress(InetAddress.getByName(source), 68), InetAddress.getByName("255.255.255.255")));
            String what = o instanceof ProxyResponder.Reply r
                ? r.destination() + " " + Hex.encode(r.message().encode())
                : "silent " + ((ProxyResponder.Silent) o).reason();
            lines.add("v4 config" + c + " " + service.port + " " + source + " " + Fixtures.label(f) + " " + what);
          }
        }
      }
    }
    BootlineConfig cfg6 = ConfigLoader.fromYaml(V6_CONFIG, "t.yaml", List.of());
    Dhcp6Responder responder6 = new Dhcp6Responder(cfg6, new BootPolicy(cfg6), Assignment.Source.NONE,
        new Duid.Ll(1, Bytes.of(new byte[] {2, 0, 0, 0, 0, 1})));
    Inet6Address client = (Inet6Address) InetAddress.getByName("fe80::5054:ff:fe12:3456%1");
    Inet6Address server = (Inet6Address) InetAddress.getByName("2001:db8:1::1");
    for (Path f : Fixtures.hexFiles("-client-dhcp6-")) {
      Dhcp6Message m = Dhcp6Codec.decode(Fixtures.bytes(f));
      Dhcp6Responder.Outcome o = responder6.respond(m, new Dhcp6Responder.Arrival("br0", 1, client, Optional.of(server)));
      String what = o instanceof Dhcp6Responder.Answer a
          ? a.to() + " " + Hex.encode(Dhcp6Codec.encode(a.reply()))
          : "silent " + ((Dhcp6Responder.Silent) o).reason();
      lines.add("v6 " + Fixtures.label(f) + " " + what);
    }
    assertThat(lines).hasSizeGreaterThan(100);
    if (Boolean.getBoolean("bootline.golden.write")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.write(GOLDEN, lines);
    }
    assertThat(lines).containsExactlyElementsOf(Files.readAllLines(GOLDEN));
  }
}
