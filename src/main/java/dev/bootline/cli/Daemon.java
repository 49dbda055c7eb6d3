package dev.bootline.cli;

import dev.bootline.config.BootlineConfig;

/** Starts every enabled server for a validated config and runs until SIGTERM/SIGINT. */
final class Daemon {
  private Daemon() {}

  static int run(BootlineConfig cfg) {
    System.err.println("bootline: no protocol server is built yet; configuration for " + cfg.interfaces() + " is valid");
    return 3;
  }
}
