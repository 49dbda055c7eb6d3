package dev.bootline.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Runs commands on the host for the demo, and remembers every process it starts so it can kill them by PID. */
final class Host {
  private final List<Process> started = Collections.synchronizedList(new ArrayList<>());
  private final Path logDir;

  Host(Path logDir) {
    this.logDir = logDir;
  }

  /** Runs a command to completion; fails with its output when it exits non-zero. */
  String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    }
    return out;
  }

  /** Runs a command and ignores failure (cleanup). */
  String quiet(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  /** Starts a long-running command with stdout+stderr to {@code <logDir>/<name>.log}. */
  Process start(String name, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logDir.resolve(name + ".log").toFile()).start();
    started.add(p);
    return p;
  }

  /** Starts a command whose stdout the caller reads. */
  Process startPiped(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    started.add(p);
    return p;
  }

  /** TERM everything started (newest first), then KILL what is left, with descendants. */
  void killAll() {
    List<Process> all;
    synchronized (started) {
      all = new ArrayList<>(started);
      started.clear();
    }
    Collections.reverse(all);
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    long deadline = System.nanoTime() + 3_000_000_000L;
    for (Process p : all) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        p.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
