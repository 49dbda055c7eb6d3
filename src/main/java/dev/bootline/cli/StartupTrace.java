package dev.bootline.cli;

import java.time.Instant;

/**
 * With {@code -Dbootline.startup-trace}, prints {@code startup <ms since the process started> <step>} on stderr at each
 * step of {@code serve}'s start, so bench/storm/startup can say where the time to the first answer goes. Off: one
 * static boolean test per step.
 */
final class StartupTrace {
  private static final boolean ON = System.getProperty("bootline.startup-trace") != null;
  private static final long START_MS = ON
      ? ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis())
      : 0;

  private StartupTrace() {}

  static void step(String name) {
    if (ON) {
      System.err.println("startup " + (System.currentTimeMillis() - START_MS) + " " + name + " ["
          + Thread.currentThread().getName() + "]");
    }
  }
}
