package dev.bootline.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Drives the operator page in headless Chromium from inside a lab namespace (where bootline's admin plane listens on
 * that namespace's loopback), for {@link WebPageLabIT}. Arguments: {@code url outDir step...}, each step
 * {@code name=javascript}: the page is loaded once, then for each step in order the driver waits (up to 4 minutes)
 * until the expression is true and writes {@code outDir/<name>.html} (the rendered DOM) and {@code <name>.png}, then
 * prints {@code STEP <name>}. An expression may have a side effect (e.g. opening a timeline by setting the hash).
 * Prints {@code DONE} and exits 0 after the last step; {@code FAILED <why>} and exits 1 otherwise.
 */
public final class WebPageLabDriverMain {
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.call("Page.navigate", java.util.Map.of("url", url));
      for (int i = 2; i < args.length; i++) {
        String name = args[i].substring(0, args[i].indexOf('='));
        String expression = args[i].substring(args[i].indexOf('=') + 1);
        String dom = chromium.waitFor(expression, STEP_TIMEOUT);
        Files.writeString(out.resolve(name + ".html"), dom);
        chromium.screenshot(out.resolve(name + ".png"));
        say("STEP " + name);
      }
      say("DONE");
    } catch (Exception | AssertionError e) {
      say("FAILED " + e.toString().replace('\n', ' '));
      System.exit(1);
    }
    System.exit(0);
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
