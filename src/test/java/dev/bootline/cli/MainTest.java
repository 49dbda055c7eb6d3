package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void helpListsCommands() {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    try {
      assertThat(Main.run("--help")).isZero();
    } finally {
      System.setOut(old);
    }
    assertThat(out.toString()).contains("Usage: bootline");
  }
}
