package dev.bootline.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** A process a {@link Lab} started (inside a namespace), with its combined stdout/stderr in {@link #log()}. */
public final class LabProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> command;

  LabProcess(String name, Process process, Path log, List<String> command) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.command = List.copyOf(command);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public List<String> command() {
    return command;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for {@code regex} in this process's log; fails early if the process exits first. */
  public MatchResult waitFor(String regex, Duration timeout) {
    return Logs.waitFor(log, Pattern.compile(regex), timeout, s -> s, process::isAlive, name);
  }

  /** Waits for the process to exit by itself and returns its exit code; fails with the log tail on timeout. */
  public int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + timeout.toSeconds() + " s. Last lines:\n"
            + Logs.tail(log, 40));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public String output() {
    return Logs.read(log);
  }

  /** SIGTERM to the process and its descendants, SIGKILL to whatever is still alive 3 s later. */
  @Override
  public void close() {
    terminate(process.toHandle());
  }

  static void terminate(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(root);
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    for (ProcessHandle h : all) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception ignored) {
        // still alive: killed below
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + pid() + "]";
  }
}
