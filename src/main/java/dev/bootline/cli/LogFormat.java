package dev.bootline.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.bootline.config.BootlineConfig;
import dev.bootline.logging.LineEncoder;
import org.slf4j.LoggerFactory;

/**
 * Applies the configuration's {@code log:} section to logback: {@code log.level} (or {@code --log-level}) becomes the
 * root logger's level, and {@code log.format} picks the line format. Switches the stderr log lines between the human format of {@code logging/DefaultLogging} ({@code text}, the default) and one
 * JSON object per line ({@code json}, logback's {@link JsonEncoder}: timestamp, level, thread, logger, formatted
 * message, MDC, key-value pairs, throwable). Called once the configuration ({@code log.format} / {@code --log-format})
 * is known, before the daemon starts any server; nothing in bootline logs before that.
 */
final class LogFormat {
  /** The default line pattern (DefaultLogging), for switching back to text. */
  static final String TEXT_PATTERN = LineEncoder.TEXT_PATTERN;

  private LogFormat() {}

  /**
   * The root level from {@code log.level} (trace, debug, info, warn, error: validated by the config loader), then
   * the format. Loggers the set-up pins explicitly (Jetty at WARN) keep their own level.
   */
  static void apply(BootlineConfig.Logging logging) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(logging.level(), Level.INFO));
    }
    if (logging.format().equals("json")) {
      apply("json"); // text stays exactly as DefaultLogging (or the operator's own file) says
    }
  }

  /** Re-encodes the root logger's {@code STDERR} appender; {@code format} is {@code text} or {@code json}. */
  static void apply(String format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding (not in the jar): leave it alone
    }
    Appender<ILoggingEvent> a = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    if (!(a instanceof OutputStreamAppender<ILoggingEvent> appender)) {
      return;
    }
    Encoder<ILoggingEvent> encoder =
        switch (format) {
          case "json" -> {
            JsonEncoder json = new JsonEncoder();
            json.setWithFormattedMessage(true); // the message as a reader sees it ...
            json.setWithMessage(false); // ... not the {} pattern
            json.setWithArguments(false);
            json.setWithContext(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            yield json;
          }
          case "text" -> {
            PatternLayoutEncoder text = new LineEncoder(); // PatternLayout's bytes, written directly
            text.setPattern(TEXT_PATTERN);
            yield text;
          }
          default -> throw new IllegalArgumentException("log format " + format + ": text or json");
        };
    encoder.setContext(context);
    encoder.start();
    appender.stop();
    appender.setEncoder(encoder);
    appender.start();
  }
}
