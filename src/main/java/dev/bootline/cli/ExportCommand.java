package dev.bootline.cli;

import picocli.CommandLine.Command;

@Command(name = "export", description = "(not yet)")
public final class ExportCommand implements Runnable {
  @Override
  public void run() {}
}
