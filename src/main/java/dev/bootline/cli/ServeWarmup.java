package dev.bootline.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * [startup] For {@code serve}: while the main thread parses the command line and the config (picocli, SnakeYAML:
 * a few hundred ms cold), a second thread configures logback (logging/DefaultLogging) and links the FFM calls the DHCP and
 * TFTP sockets make ({@code dev.bootline.net.Libc}), the two other big costs before the first DHCP answer
 * (bench/storm/startup). Both are class or one-time initialisation the daemon does anyway, only sooner; the main
 * thread waits for logging before anything of bootline logs, so no logger is handed out half-configured.
 */
final class ServeWarmup {
  private static volatile CountDownLatch logging;

  private ServeWarmup() {}

  static void start() {
    CountDownLatch done = new CountDownLatch(1);
    logging = done;
    Thread.ofPlatform().daemon().name("bootline-warmup").start(() -> {
      try {
        LoggerFactory.getILoggerFactory(); // logback configures itself here (DefaultLogging)
      } finally {
        done.countDown();
      }
      StartupTrace.step("logback configured");
      try {
        Class.forName("dev.bootline.net.Libc", true, ServeWarmup.class.getClassLoader()); // downcall handles
        StartupTrace.step("ffm linked");
      } catch (ClassNotFoundException | LinkageError e) {
        // the daemon links it itself and reports a real failure there
      }
    });
  }

  /** Returns once logging is configured (at once when no warm-up was started, e.g. in tests). */
  static void awaitLogging() {
    CountDownLatch l = logging;
    if (l == null) {
      return;
    }
    try {
      l.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
