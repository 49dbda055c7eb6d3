package dev.bootline.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LineEncoderTest {
  private static final String[] LOGGERS = {
    "dev.bootline.dhcp4.ProxyDhcpServer", "dev.bootline.dhcp6.Dhcp6Server", "Root", "a.b.", "dev.bootline.é.Ünï"
  };
  private static final Level[] LEVELS = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};

  private static String randomText(SplittableRandom random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(120);
    for (int i = 0; i < n; i++) {
      b.append(
          switch (random.nextInt(10)) {
            case 0 -> (char) random.nextInt(0x20); // control characters
            case 1 -> (char) random.nextInt(0x80, 0x800); // two UTF-8 bytes
            case 2 -> "\uD83D\uDE80"; // a surrogate pair
            case 3 -> (char) random.nextInt(0xD800, 0xE000); // a lone surrogate: '?' in UTF-8
            case 4 -> '{';
            default -> (char) random.nextInt(0x20, 0x7F);
          });
    }
    return b.toString();
  }

  @Test
  void writesTheSameBytesAsPatternLayoutForManyRandomEvents() {
    LoggerContext context = new LoggerContext();
    PatternLayoutEncoder reference = new PatternLayoutEncoder();
    reference.setContext(context);
    reference.setPattern(LineEncoder.TEXT_PATTERN);
    reference.start();
    LineEncoder direct = new LineEncoder();
    direct.setContext(context);
    direct.setPattern(LineEncoder.TEXT_PATTERN);
    direct.start();

    SplittableRandom random = new SplittableRandom(8);
    long now = System.currentTimeMillis();
    LineEncoder.LineBuffer batch = new LineEncoder.LineBuffer(16);
    ByteArrayOutputStream expectedBatch = new ByteArrayOutputStream();
    for (int i = 0; i < 40_000; i++) {
      Logger logger = context.getLogger(LOGGERS[random.nextInt(LOGGERS.length)]);
      Level level = LEVELS[random.nextInt(LEVELS.length)];
      String message = random.nextInt(3) == 0 ? randomText(random) : "DISCOVER {} arch {} -> {}";
      Object[] args = {randomText(random), random.nextInt(10), i % 7 == 0 ? null : randomText(random)};
      Throwable t = i % 1000 == 0 ? new IllegalStateException("boom " + i) : null;
      LoggingEvent e = new LoggingEvent("x", logger, level, message, t, args);
      // mostly the same second and the next few (the cache), sometimes far away and before 1970
      long at =
          switch (random.nextInt(10)) {
            case 0 -> random.nextLong(-100_000_000_000L, 4_000_000_000_000L);
            default -> now + i * 3L + random.nextInt(5);
          };
      e.setTimeStamp(at);
      byte[] expected = reference.encode(e);
      assertThat(new String(direct.encode(e))).isEqualTo(new String(expected));
      assertThat(direct.encode(e)).isEqualTo(expected);
      direct.encodeTo(e, batch);
      expectedBatch.writeBytes(expected);
    }
    assertThat(batch.toByteArray()).isEqualTo(expectedBatch.toByteArray());
  }

  @Test
  void anotherPatternGoesThroughPatternLayout() {
    LoggerContext context = new LoggerContext();
    LineEncoder encoder = new LineEncoder();
    encoder.setContext(context);
    encoder.setPattern("[%level] %msg%n");
    encoder.start();
    LoggingEvent e =
        new LoggingEvent("x", context.getLogger("dev.bootline.X"), Level.WARN, "hello {}", null, new Object[] {1});
    assertThat(new String(encoder.encode(e))).isEqualTo("[WARN] hello 1" + System.lineSeparator());
    LineEncoder.LineBuffer out = new LineEncoder.LineBuffer(16);
    encoder.encodeTo(e, out);
    assertThat(out.toString()).isEqualTo("[WARN] hello 1" + System.lineSeparator());
  }
}
