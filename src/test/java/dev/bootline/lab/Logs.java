package dev.bootline.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Waiting for lines in log files written by lab processes. */
public final class Logs {
  private Logs() {}

  private static final Pattern ANSI = Pattern.compile("\u001b(\\[[0-9;?=]*[A-Za-z]|[()][A-Z0-9]|[=>78cDEHM])");
  private static final Pattern UNPRINTABLE = Pattern.compile("[^\\t\\n\\x20-\\x7e]");

  /** File content as text (missing file: empty), undecodable bytes replaced. */
  public static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Terminal output made matchable: ANSI escapes, carriage returns and other control characters removed. */
  public static String stripAnsi(String raw) {
    String noEscapes = ANSI.matcher(raw).replaceAll("");
    return UNPRINTABLE.matcher(noEscapes.replace("\r", "")).replaceAll("");
  }

  /** The last {@code lines} lines of the file, for failure messages. */
  public static String tail(Path file, int lines) {
    return tail(read(file), lines);
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Waits until {@code pattern} matches somewhere in the file; fails with the log's tail after {@code timeout}. */
  public static MatchResult waitFor(Path file, Pattern pattern, Duration timeout) {
    return waitFor(file, pattern, timeout, UnaryOperator.identity(), () -> true, "");
  }

  /**
   * Like {@link #waitFor(Path, Pattern, Duration)} with the file's text passed through {@code view} first (e.g.
   * {@link #stripAnsi}); stops early, failing, when {@code stillRunning} turns false.
   */
  public static MatchResult waitFor(Path file, Pattern pattern, Duration timeout, UnaryOperator<String> view,
      BooleanSupplier stillRunning, String whatStopped) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean running = stillRunning.getAsBoolean();
      String text = view.apply(read(file));
      Matcher m = pattern.matcher(text);
      if (m.find()) {
        return m.toMatchResult();
      }
      if (!running) {
        throw new AssertionError("'" + pattern + "' not found in " + file + ": " + whatStopped
            + " exited first. Last lines:\n" + tail(text, 40));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("'" + pattern + "' not found in " + file + " within " + timeout.toSeconds()
            + " s. Last lines:\n" + tail(text, 40));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for '" + pattern + "' in " + file, e);
      }
    }
  }

  /** Index of the first line containing {@code text}, or -1 (for "this happened before that" checks). */
  public static int indexOf(java.util.List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
