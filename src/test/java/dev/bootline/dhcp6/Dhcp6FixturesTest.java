package dev.bootline.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.testing.Fixtures;
import dev.bootline.wire.Hex;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every captured DHCPv6 payload decodes, re-encodes byte for byte, and has the type its file name says. */
class Dhcp6FixturesTest {

  @TestFactory
  Stream<DynamicTest> everyDhcp6FixtureRoundTrips() {
    return Fixtures.hexFiles("-dhcp6-").stream()
        .map(p -> DynamicTest.dynamicTest(Fixtures.label(p), () -> roundTrip(p)));
  }

  private static void roundTrip(Path hexFile) throws Exception {
    byte[] wire = Fixtures.bytes(hexFile);
    Dhcp6Message msg = Dhcp6Codec.decode(wire);
    assertThat(Hex.encode(msg.encode())).isEqualTo(Hex.encode(wire));
    assertThat(Dhcp6Codec.decode(msg.encode())).isEqualTo(msg);
    assertThat(msg.options()).noneMatch(o -> o instanceof Dhcp6Option.Unknown);

    String name = hexFile.getFileName().toString();
    String typeWord = name.substring(name.indexOf("-dhcp6-") + 7).replace(".hex", "");
    MessageType expected = MessageType.valueOf(typeWord.replace('-', '_').toUpperCase(Locale.ROOT));
    assertThat(msg.type()).contains(expected);
    assertThat(msg.clientId()).as("every fixture carries a Client Identifier").isPresent();
    if (name.contains("-server-")) {
      assertThat(msg.serverId()).isPresent();
    }
  }
}
