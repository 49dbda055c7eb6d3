package dev.bootline.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** bootline's logging set-up built in code (it replaced logback.xml): the appenders, loggers and lines it makes. */
class DefaultLoggingTest {

  /** A fresh context configured by {@link DefaultLogging#apply}, stderr captured while {@code use} logs. */
  private static List<String> withDefaults(Consumer<LoggerContext> use) {
    PrintStream saved = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's service provider gives its context
    try {
      DefaultLogging.apply(context);
      use.accept(context);
    } finally {
      DefaultLogging.stop(context); // as the shutdown hook: the DECISIONS queue written out, then the context stopped
      if (context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD) instanceof Thread hook) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
      System.setErr(saved);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void decisionLinesAndOtherLinesReachStderrInTheLineFormat() {
    List<String> lines = withDefaults(context -> {
      context.getLogger("dev.bootline.dhcp4.ProxyResponder").info("offer {} to {}", "ipxe.efi", "52:54:00:12:34:56");
      context.getLogger("dev.bootline.dhcp6.Dhcp6Responder").info("reply");
      context.getLogger("dev.bootline.cli.Daemon").info("bootline: ready");
      context.getLogger("dev.bootline.cli.Daemon").debug("not at INFO");
      context.getLogger("org.eclipse.jetty.server.Server").info("Jetty's INFO is not shown");
    });
    assertThat(lines)
        .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  ProxyResponder: offer ipxe.efi to 52:54:00:12:34:56"))
        .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Dhcp6Responder: reply"))
        .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Daemon: bootline: ready"))
        .hasSize(3); // once each: the decision loggers do not also go to root's appender
  }

  @Test
  void theShapeLogFormatAndOperatorsRelyOn() {
    withDefaults(context -> {
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      assertThat(root.getLevel()).isEqualTo(Level.INFO);
      Appender<ILoggingEvent> stderr = root.getAppender("STDERR"); // cli/LogFormat swaps its encoder by this name
      assertThat(stderr).isInstanceOf(ConsoleAppender.class);
      assertThat(((ConsoleAppender<ILoggingEvent>) stderr).getEncoder())
          .isInstanceOfSatisfying(LineEncoder.class, e -> assertThat(e.getPattern()).isEqualTo(LineEncoder.TEXT_PATTERN));
      for (String name : List.of("dev.bootline.dhcp4", "dev.bootline.dhcp6")) {
        Logger decisions = context.getLogger(name);
        assertThat(decisions.isAdditive()).isFalse();
        assertThat(decisions.getAppender("DECISIONS"))
            .isInstanceOfSatisfying(BatchingAsyncAppender.class, a -> assertThat(a.getAppender("STDERR")).isSameAs(stderr));
      }
      assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(Level.WARN);
      assertThat(context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD)).isInstanceOf(Thread.class);
    });
  }

  @Test
  void theLevelComesFromBootlineLogLevel() {
    String saved = System.getProperty("BOOTLINE_LOG_LEVEL");
    System.setProperty("BOOTLINE_LOG_LEVEL", "debug");
    try {
      withDefaults(context -> assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG));
    } finally {
      if (saved == null) System.clearProperty("BOOTLINE_LOG_LEVEL");
      else System.setProperty("BOOTLINE_LOG_LEVEL", saved);
    }
  }

  @Test
  void anOperatorsOwnFileWins() {
    // the test class path has logback-test.xml, so logback reads that instead; so would -Dlogback.configurationFile
    LoggerContext context = new LoggerContext();
    DefaultLogging configurator = new DefaultLogging();
    configurator.setContext(context);
    assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
  }
}
