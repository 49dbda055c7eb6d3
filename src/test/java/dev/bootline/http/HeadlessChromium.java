package dev.bootline.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium driven over the DevTools protocol (plain WebSocket from the JDK, no Playwright). Needed
 * instead of {@code --dump-dom --virtual-time-budget}: virtual time never advances while a fetch is pending, and the
 * page's /events stream is always pending, so that mode never finishes. Loopback only.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Process process;
  private final Path profile;
  private final WebSocket ws;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  /** Starts Chromium, or skips the test (fails it with -Dbootline.lab.required=true) when it is not installed. */
  static HeadlessChromium start() throws Exception {
    Optional<Path> bin = find();
    if (bin.isEmpty()) {
      String why = "chromium is not installed (scripts/install-deps test)";
      if (Boolean.parseBoolean(System.getProperty("bootline.lab.required", "false"))) {
        throw new AssertionError(why + " (bootline.lab.required=true)");
      }
      Assumptions.abort(why);
    }
    return new HeadlessChromium(bin.get());
  }

  private HeadlessChromium(Path bin) throws Exception {
    profile = Files.createTempDirectory("bootline-chromium");
    process = new ProcessBuilder(bin.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=1280,800", "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
        .start();
    try {
      // Chromium writes the port it picked to DevToolsActivePort once it listens.
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError("chromium did not open its DevTools port");
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).getFirst().strip());
      HttpClient http = HttpClient.newHttpClient();
      JsonNode targets = EventJson.MAPPER.readTree(http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      String pageWs = null;
      for (JsonNode t : targets) {
        if (t.path("type").asText().equals("page")) {
          pageWs = t.get("webSocketDebuggerUrl").asText();
        }
      }
      if (pageWs == null) {
        throw new AssertionError("chromium has no page target: " + targets);
      }
      ws = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new Listener()).get(30, TimeUnit.SECONDS);
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  /** Loads {@code url} and waits until {@code readyExpression} (JavaScript) is true; returns the rendered DOM. */
  String load(String url, String readyExpression) throws Exception {
    call("Page.navigate", Map.of("url", url));
    return waitFor(readyExpression);
  }

  /** Waits (up to a minute) until {@code readyExpression} is true on the current page; returns the rendered DOM. */
  String waitFor(String readyExpression) throws Exception {
    return waitFor(readyExpression, WAIT);
  }

  /** Waits up to {@code timeout} until {@code readyExpression} is true on the current page; returns the rendered DOM. */
  String waitFor(String readyExpression, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Until the new document exists the expression may throw (no body yet): that is "not ready".
    String ready = "(() => { try { return !!(" + readyExpression + "); } catch (e) { return false; } })()";
    while (!evaluate(ready).asBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("page never became ready (" + readyExpression + "); DOM:\n" + dom());
      }
      Thread.sleep(100);
    }
    return dom();
  }

  String dom() throws Exception {
    return evaluate("document.documentElement.outerHTML").asText();
  }

  /** Saves a PNG of the page (a test artifact). */
  void screenshot(Path file) throws Exception {
    JsonNode r = call("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
  }

  JsonNode evaluate(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new AssertionError("JavaScript failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = EventJson.MAPPER.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", EventJson.MAPPER.valueToTree(params));
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ws.sendText(EventJson.MAPPER.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
    JsonNode r = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new AssertionError(method + ": " + r.get("error"));
    }
    return r.path("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        try {
          JsonNode n = EventJson.MAPPER.readTree(buffer.toString());
          CompletableFuture<JsonNode> f = n.has("id") ? pending.remove(n.get("id").asInt()) : null;
          if (f != null) {
            f.complete(n);
          }
        } catch (Exception e) {
          pending.values().forEach(f -> f.completeExceptionally(e));
        }
        buffer.setLength(0);
      }
      socket.request(1);
      return null;
    }
  }

  static Optional<Path> find() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    if (ws != null) {
      ws.abort();
    }
    // The wrapper script execs the browser, but end its helpers too: only processes this test started.
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var walk = Files.walk(profile)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (java.io.IOException ignored) {
      // a temp profile left behind is harmless
    }
  }
}
