package dev.bootline.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootEventTest {
  @Test
  void aNormalisedMacIsKeptAsIsAndEqualsWhatTheSlowPathMakesOfIt() {
    SplittableRandom random = new SplittableRandom(8);
    for (int i = 0; i < 20_000; i++) {
      int octets = random.nextInt(1, 21);
      StringBuilder b = new StringBuilder();
      for (int o = 0; o < octets; o++) {
        b.append(o > 0 ? ":" : "").append(String.format("%02x", random.nextInt(256)));
      }
      String mac = b.toString();
      assertThat(BootEvent.normaliseMac(mac)).isSameAs(mac);
      assertThat(BootEvent.normaliseMac(mac.toUpperCase())).isEqualTo(mac); // upper case: the copying path
      assertThat(BootEvent.normaliseMac(mac.replace(':', '-'))).isEqualTo(mac);
    }
  }

  @Test
  void almostNormalisedAddressesAreStillCheckedOrRewritten() {
    assertThat(BootEvent.normaliseMac("52:54:00:00:00:0A")).isEqualTo("52:54:00:00:00:0a");
    assertThat(BootEvent.normaliseMac("5254:00:00:00:0a")).isEqualTo("52:54:00:00:00:0a");
    assertThatThrownBy(() -> BootEvent.normaliseMac("52:54:00:00:00:0g")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BootEvent.normaliseMac("52:54:00:00:00:0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BootEvent.normaliseMac("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BootEvent.normaliseMac("00:".repeat(20) + "00"))
        .isInstanceOf(IllegalArgumentException.class); // 21 octets
  }
}
