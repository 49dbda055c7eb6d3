package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stderr appender (logback-test.xml mirrors logging/DefaultLogging, root at WARN), re-encoded; output captured by swapping System.err (the appender follows it). */
class LogFormatTest {
  private static final Logger log = LoggerFactory.getLogger(LogFormatTest.class);

  private static List<String> capture(Runnable logging) {
    PrintStream saved = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      logging.run();
    } finally {
      System.setErr(saved);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonIsOneObjectPerLineWithTheFormattedMessageAndBackToText() throws Exception {
    try {
      LogFormat.apply("json");
      List<String> lines = capture(() -> {
        log.warn("DHCPv6 {} {} on {}", "REPLY", "52:54:00:12:34:56", "br0");
        log.error("line one\nline \"two\"", new IllegalStateException("boom"));
      });
      assertThat(lines).hasSize(2); // a multi-line message and a stack trace still make one line each
      ObjectMapper json = new ObjectMapper();
      JsonNode first = json.readTree(lines.get(0));
      assertThat(first.get("level").asText()).isEqualTo("WARN");
      assertThat(first.get("loggerName").asText()).isEqualTo(LogFormatTest.class.getName());
      assertThat(first.get("formattedMessage").asText()).isEqualTo("DHCPv6 REPLY 52:54:00:12:34:56 on br0");
      assertThat(first.has("timestamp")).isTrue();
      assertThat(first.has("message")).as("no raw {} pattern").isFalse();
      JsonNode second = json.readTree(lines.get(1));
      assertThat(second.get("level").asText()).isEqualTo("ERROR");
      assertThat(second.get("formattedMessage").asText()).isEqualTo("line one\nline \"two\"");
      assertThat(second.get("throwable").get("message").asText()).isEqualTo("boom");
    } finally {
      LogFormat.apply("text");
    }
    List<String> text = capture(() -> log.warn("back to {}", "text"));
    assertThat(text).singleElement().asString().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  LogFormatTest: back to text");
  }

  private static ch.qos.logback.classic.Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** What {@code serve} does with its configuration: {@code log.level} from the file, or {@code --log-level}. */
  @Test
  void theConfiguredLevelIsTheRootLevelAtStart(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("bootline.yaml");
    Files.writeString(yaml, "interfaces: [br0]\nlog:\n  level: debug\n");
    Level saved = root().getLevel();
    try {
      BootlineConfig cfg = ConfigLoader.load(Optional.of(yaml), List.of());
      LogFormat.apply(cfg.logging());
      assertThat(capture(() -> log.debug("DHCPv6: no answer to {}", "fe80::1")))
          .singleElement().asString().endsWith("DEBUG LogFormatTest: DHCPv6: no answer to fe80::1");
      // Jetty stays where the set-up pins it, whatever the root level
      assertThat(LoggerFactory.getLogger("org.eclipse.jetty.server.Server").isDebugEnabled()).isFalse();

      // the flag wins over the file, and a quieter level hides what it should
      cfg = ConfigLoader.load(Optional.of(yaml), List.of(new ConfigLoader.Override("log.level", "error", "--log-level")));
      LogFormat.apply(cfg.logging());
      assertThat(capture(() -> {
        log.warn("a warning");
        log.error("an error");
      })).singleElement().asString().endsWith("ERROR LogFormatTest: an error");

      // the level and the JSON format together
      cfg = ConfigLoader.load(Optional.of(yaml), List.of(new ConfigLoader.Override("log.format", "json", "--log-format")));
      LogFormat.apply(cfg.logging());
      List<String> json = capture(() -> log.debug("in {}", "json"));
      assertThat(json).singleElement().asString().contains("\"level\":\"DEBUG\"").contains("\"formattedMessage\":\"in json\"");
    } finally {
      LogFormat.apply("text");
      root().setLevel(saved);
    }
  }

  @Test
  void anUnknownLevelIsAConfigErrorNamingTheKey(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("bootline.yaml");
    Files.writeString(yaml, "interfaces: [br0]\nlog:\n  level: verbose\n");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ConfigLoader.load(Optional.of(yaml), List.of())))
        .hasMessageContaining("log.level").hasMessageContaining("verbose");
  }

  @Test
  void serveTakesTheLevelFromItsFlag() {
    Cli bad = Cli.run("serve", "-interface", "lo", "--log-level", "loud", "--check");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--log-level").contains("loud");
    assertThat(Cli.run("serve", "-interface", "lo", "--log-level", "debug", "--check").exitCode()).isZero();
  }
}
