package dev.bootline.cli;

import picocli.CommandLine.Command;

@Command(name = "decode", description = "(not yet)")
public final class DecodeCommand implements Runnable {
  @Override
  public void run() {}
}
