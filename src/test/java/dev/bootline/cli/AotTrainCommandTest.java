package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotTrainCommandTest {
  /** The training walk ./bootline and the systemd unit run before making the AOT cache: it must finish cleanly. */
  @Test
  void trainingRunCompletesAndLeavesNothingBehind() throws Exception {
    long before = tempDirs();
    assertThat(Main.run("aot-train")).isZero();
    assertThat(tempDirs()).isEqualTo(before);
  }

  /** serve parses its own command line only (the start-up fast path); usage errors and --check behave as before. */
  @Test
  void serveCommandLineStillChecksAndRejects(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("b.yaml");
    Files.writeString(conf, "interfaces: [lo]\nstate-dir: " + dir.resolve("state") + "\n");
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true));
    System.setErr(new PrintStream(e, true));
    try {
      assertThat(Main.run("serve", "--check", "--config", conf.toString())).isZero();
      assertThat(Main.run("serve", "--no-such-flag")).isEqualTo(2);
      assertThat(Main.run("serve", "--help")).isZero();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertThat(o.toString()).contains("configuration OK: interfaces lo").contains("Usage: bootline serve");
    assertThat(e.toString()).contains("Unknown option: '--no-such-flag'");
  }

  private static long tempDirs() throws Exception {
    try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("bootline-aot-train")).count();
    }
  }
}
