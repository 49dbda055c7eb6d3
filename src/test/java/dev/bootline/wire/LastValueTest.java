package dev.bootline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LastValueTest {
  @Test
  void computesOnlyWhenTheKeyChanges() {
    AtomicInteger calls = new AtomicInteger();
    LastValue<String, String> upper = new LastValue<>(k -> {
      calls.incrementAndGet();
      return k.toUpperCase();
    });
    assertThat(upper.get("br0")).isEqualTo("BR0");
    assertThat(upper.get(new String("br0"))).isEqualTo("BR0"); // an equal key, not the same object
    assertThat(calls).hasValue(1);
    assertThat(upper.get("br1")).isEqualTo("BR1");
    assertThat(upper.get("br0")).isEqualTo("BR0");
    assertThat(calls).hasValue(3);
  }
}
