package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stderr appender (logback-test.xml mirrors logback.xml, root at WARN), re-encoded; output captured by swapping System.err (the appender follows it). */
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
}
