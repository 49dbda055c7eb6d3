package dev.bootline.http;

import com.fasterxml.jackson.core.JsonGenerator;
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
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin plane ({@code http.admin-listen}, default {@code :6315}), for operators and monitoring; read-only:
 *
 * <ul>
 *   <li>{@code GET /events[?mac=]} — the SSE stream ({@link EventsSse}, the same one the boot plane mounts)
 *   <li>{@code GET /healthz} — 200 {@code ok}
 *   <li>{@code GET /metrics} — Prometheus text from the daemon's registry
 *   <li>{@code GET /api/machines} — JSON list, most recently seen first, of {@code {"mac","ip","stage","last_event",
 *       "first_seen","last_seen","event_count"}}
 *   <li>{@code GET /api/machines/<mac>} (any notation) — the same object plus {@code "timeline":[…]} (oldest first);
 *       404 {@code {"error":…,"mac":…}} for a machine with no events in memory, 400 for a malformed MAC
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

  public AdminServer(List<BootlineConfig.ListenAddress> listen, EventLog log, PrometheusMeterRegistry registry) {
    this.log = log;
    this.registry = registry;
    this.events = new EventsSse(log);
    VirtualThreadPool pool = new VirtualThreadPool();
    pool.setName("admin");
    this.server = new Server(pool);
    for (BootlineConfig.ListenAddress a : listen) {
      ServerConnector c = new ServerConnector(server);
      if (!a.host().isEmpty()) {
        c.setHost(a.host());
      }
      c.setPort(a.port());
      server.addConnector(c);
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
    String path = request.getHttpURI().getPath();
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "the admin API is read-only", null);
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
        EventJson.writeMachine(g, m, null);
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
    Optional<MachineSummary> summary = log.machine(mac.get().toString());
    if (summary.isEmpty()) {
      return error(response, callback, HttpStatus.NOT_FOUND_404, "no events for this machine", mac.get().toString());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator g = EventJson.generator(body)) {
      EventJson.writeMachine(g, summary.get(), log.timeline(mac.get().toString()));
    }
    return send(response, callback, HttpStatus.OK_200, JSON, body.toByteArray());
  }

  /** {@code {"error":message,"mac":mac}} (mac only when given). */
  private static boolean error(Response response, Callback callback, int status, String message, String mac)
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

  private static boolean send(Response response, Callback callback, int status, String type, byte[] body) {
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
