package dev.bootline.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.bootline.boot.Assignment;
import dev.bootline.config.BootlineConfig;
import dev.bootline.events.EventLog;
import dev.bootline.events.MachineSummary;
import dev.bootline.wire.MacAddress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin plane ({@code http.admin-listen}, default {@code :6315}), for operators and monitoring. Reads are open;
 * changing assignments needs {@code Authorization: Bearer <token>} with the token from {@code http.admin-token-file}
 * (see {@link #assignments}):
 *
 * <ul>
 *   <li>{@code GET /} — the operator web page (machines live over SSE, per-machine timelines), from the jar
 *   <li>{@code PUT /api/machines/<mac>} with an assignment ({@link AssignmentJson}) — 200 {@code {"mac","assignment"}};
 *       400 for a bad body, 401 for a missing/wrong token, 403 when no token is configured (the API is then off)
 *   <li>{@code DELETE /api/machines/<mac>} — 200 {@code {"mac","assignment":null,"removed":{…}}}, 404 if none
 *   <li>{@code GET /events[?mac=]} — the SSE stream ({@link EventsSse}, the same one the boot plane mounts)
 *   <li>{@code GET /healthz} — 200 {@code ok}
 *   <li>{@code GET /metrics} — Prometheus text from the daemon's registry
 *   <li>{@code GET /api/machines} — JSON list, most recently seen first, of {@code {"mac","ip","stage","last_event",
 *       "first_seen","last_seen","event_count","assignment"}} ({@code assignment} null or its JSON)
 *   <li>{@code GET /api/machines/<mac>} (any notation) — the same object plus {@code "timeline":[…]} (oldest first);
 *       404 {@code {"error":…,"mac":…}} for a machine with neither events in memory nor an assignment, 400 for a
 *       malformed MAC
 * </ul>
 *
 * Never redirects. Jetty core on virtual threads, as the boot plane.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final String MACHINES = "/api/machines";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json";

  private final Server server;
  private final EventLog log;
  private final PrometheusMeterRegistry registry;
  private final EventsSse events;
  // Set once by the daemon after construction; until then (and without a token) mutations are refused.
  private volatile AssignmentStore assignments;
  private volatile Optional<String> adminToken = Optional.empty();

  public AdminServer(List<BootlineConfig.ListenAddress> listen, EventLog log, PrometheusMeterRegistry registry) {
    this.log = log;
    this.registry = registry;
    this.events = new EventsSse(log);
    this.server = Jetty.onVirtualThreads("admin");
    for (BootlineConfig.ListenAddress a : listen) {
      Jetty.listen(server, a);
    }
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return route(request, response, callback);
      }
    });
    Gauge.builder("bootline.sse.subscribers", events, EventsSse::subscribers)
        .description("open /events streams on the boot and admin planes")
        .register(registry);
  }

  /** The /events route, to mount on the boot plane too (one set of streams, closed with this server). */
  public EventsSse events() {
    return events;
  }

  /**
   * Serves and accepts per-machine assignments from {@code store}. With an empty {@code token} the store is shown
   * but changes are refused with 403 (an unauthenticated write API on an admin port is not a default).
   */
  public void assignments(AssignmentStore store, Optional<String> token) {
    this.adminToken = token;
    this.assignments = store;
  }

  /**
   * The token in {@code http.admin-token-file} (surrounding whitespace stripped), or empty when none is configured.
   *
   * @throws IOException if the file is configured but unreadable or empty
   */
  public static Optional<String> readToken(Optional<java.nio.file.Path> file) throws IOException {
    if (file.isEmpty()) {
      return Optional.empty();
    }
    String t = java.nio.file.Files.readString(file.get()).strip();
    if (t.isEmpty()) {
      throw new IOException("http.admin-token-file " + file.get() + " is empty");
    }
    return Optional.of(t);
  }

  public void start() throws Exception {
    server.start();
    LOG.info("HTTP admin plane listening on {}", ports());
  }

  /** The bound ports (useful when a listen address asked for port 0). */
  public List<Integer> ports() {
    List<Integer> p = new ArrayList<>();
    for (var c : server.getConnectors()) {
      p.add(((ServerConnector) c).getLocalPort());
    }
    return p;
  }

  private boolean route(Request request, Response response, Callback callback) throws IOException {
    if (events.handle(request, response, callback)) {
      return true;
    }
    String path = request.getHttpURI().getDecodedPath(); // browsers send %3A for ':' in a MAC
    boolean machinePath = path.startsWith(MACHINES + "/");
    if (machinePath && (HttpMethod.PUT.is(request.getMethod()) || HttpMethod.DELETE.is(request.getMethod()))) {
      return AssignmentApi.change(this, request, response, callback, path.substring(MACHINES.length() + 1));
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, machinePath ? "GET, HEAD, PUT, DELETE" : "GET, HEAD");
      return error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "the admin API is read-only here", null);
    }
    if (path.equals("/") || path.equals("/index.html")) {
      return WebPage.serve(response, callback);
    }
    if (path.equals("/healthz")) {
      return send(response, callback, HttpStatus.OK_200, "text/plain; charset=utf-8", bytes("ok\n"));
    }
    if (path.equals("/metrics")) {
      return send(response, callback, HttpStatus.OK_200, PROMETHEUS_TEXT, bytes(registry.scrape()));
    }
    if (path.equals(MACHINES)) {
      return machines(response, callback);
    }
    if (path.startsWith(MACHINES + "/")) {
      return machine(response, callback, path.substring(MACHINES.length() + 1));
    }
    return error(response, callback, HttpStatus.NOT_FOUND_404, "not found", null);
  }

  private boolean machines(Response response, Callback callback) throws IOException {
    List<MachineSummary> all = new ArrayList<>(log.machines().machines().values());
    all.sort(Comparator.comparing(MachineSummary::lastSeen).reversed());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator g = EventJson.generator(body)) {
      g.writeStartArray();
      for (MachineSummary m : all) {
        EventJson.writeMachine(g, m, null, assignmentOf(m.mac()));
      }
      g.writeEndArray();
    }
    return send(response, callback, HttpStatus.OK_200, JSON, body.toByteArray());
  }

  private boolean machine(Response response, Callback callback, String macText) throws IOException {
    Optional<MacAddress> mac = MacAddress.parse(macText);
    if (mac.isEmpty()) {
      return error(response, callback, HttpStatus.BAD_REQUEST_400, "not a MAC address", macText);
    }
    String m = mac.get().toString();
    Optional<MachineSummary> summary = log.machine(m);
    Assignment assignment = assignmentOf(m);
    if (summary.isEmpty() && assignment == null) {
      return error(response, callback, HttpStatus.NOT_FOUND_404, "no events for this machine", m);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator g = EventJson.generator(body)) {
      // An assigned machine whose events aged out of memory is still shown, with its assignment.
      MachineSummary s = summary.orElse(new MachineSummary(m, null, null, null, null, null, 0));
      EventJson.writeMachine(g, s, log.timeline(m), assignment);
    }
    return send(response, callback, HttpStatus.OK_200, JSON, body.toByteArray());
  }

  private Assignment assignmentOf(String mac) {
    AssignmentStore store = assignments;
    return store == null ? null : MacAddress.parse(mac).flatMap(store::forMac).orElse(null);
  }

  AssignmentStore assignmentStore() {
    return assignments;
  }

  Optional<String> adminToken() {
    return adminToken;
  }

  EventLog log() {
    return log;
  }

  /** {@code {"error":message,"mac":mac}} (mac only when given). */
  static boolean error(Response response, Callback callback, int status, String message, String mac)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator g = EventJson.generator(body)) {
      g.writeStartObject();
      g.writeStringField("error", message);
      if (mac != null) {
        g.writeStringField("mac", mac);
      }
      g.writeEndObject();
    }
    return send(response, callback, status, JSON, body.toByteArray());
  }

  static boolean send(Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Ends the open /events streams (on both planes), then stops the server. */
  @Override
  public void close() throws Exception {
    events.close();
    server.stop();
  }
}
