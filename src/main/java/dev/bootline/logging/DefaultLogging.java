package dev.bootline.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * bootline's logging set-up, built in code instead of read from a {@code logback.xml} (found by logback through
 * {@code META-INF/services}): parsing the XML was the largest part of configuring logback, and the DHCP listeners wait
 * for logging before they start (bench/storm/startup: 0.6–2.4 s of Joran under load without the AOT cache, against
 * well under 0.1 s for these objects). An operator's own file still wins: with {@code -Dlogback.configurationFile}
 * or a {@code logback-test.xml}/{@code logback.xml} on the class path this steps aside and logback reads that file.
 *
 * <ul>
 *   <li>{@code STDERR}: one human line per message on stderr, {@link LineEncoder#TEXT_PATTERN}; {@code log.format:
 *       json} swaps its encoder (cli/LogFormat finds it by this name on the root logger).
 *   <li>{@code DECISIONS}: the per-packet decision lines of {@code dev.bootline.dhcp4} and {@code dev.bootline.dhcp6}
 *       go to STDERR through one background thread ({@link BatchingAsyncAppender}: a packet thread queues its line and
 *       moves on; nothing is dropped, a full queue makes it wait).
 *   <li>Jetty at WARN; the root at {@code BOOTLINE_LOG_LEVEL} (system property or environment), else INFO.
 *   <li>At exit, 300 ms for the daemon's own shutdown, then the DECISIONS queue is written out and logging stops.
 * </ul>
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
  static final int DECISIONS_QUEUE = 16_384;
  static final long SHUTDOWN_DELAY_MILLIS = 300;

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || resource("logback-test.xml") || resource("logback.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the operator's (or a test's) own file
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Configures {@code context} as described above (no check for an operator's file). */
  static void apply(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    LineEncoder encoder = new LineEncoder();
    encoder.setContext(context);
    encoder.setPattern(LineEncoder.TEXT_PATTERN);
    encoder.start();
    stderr.setEncoder(encoder);
    stderr.start();

    BatchingAsyncAppender decisions = new BatchingAsyncAppender();
    decisions.setContext(context);
    decisions.setName("DECISIONS");
    decisions.setQueueSize(DECISIONS_QUEUE);
    decisions.addAppender(stderr);
    decisions.start();

    for (String name : new String[] {"dev.bootline.dhcp4", "dev.bootline.dhcp6"}) {
      Logger logger = context.getLogger(name);
      logger.setAdditive(false);
      logger.addAppender(decisions);
    }
    context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(setting("BOOTLINE_LOG_LEVEL"), Level.INFO));
    root.addAppender(stderr);

    Thread thread = new Thread(() -> {
      try {
        Thread.sleep(SHUTDOWN_DELAY_MILLIS); // the daemon's own shutdown logs first
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stop(context);
    }, "Logback shutdown hook [" + context.getName() + "]");
    context.putObject(CoreConstants.SHUTDOWN_HOOK_THREAD, thread);
    Runtime.getRuntime().addShutdownHook(thread);
  }

  /**
   * Stops logging with nothing queued lost: the DECISIONS queue is written out while STDERR still runs, then the
   * context stops. (logback's own stop resets the root logger first, whose STDERR would then refuse the queue's lines.)
   */
  static void stop(LoggerContext context) {
    if (context.getLogger("dev.bootline.dhcp4").getAppender("DECISIONS") instanceof BatchingAsyncAppender decisions) {
      decisions.stop();
    }
    context.stop();
  }

  /** A system property, else the environment variable of that name (as logback.xml's ${NAME} did), else null. */
  private static String setting(String name) {
    String v = System.getProperty(name);
    return v != null ? v : System.getenv(name);
  }

  private static boolean resource(String name) {
    ClassLoader loader = DefaultLogging.class.getClassLoader();
    return loader != null && loader.getResource(name) != null;
  }
}
