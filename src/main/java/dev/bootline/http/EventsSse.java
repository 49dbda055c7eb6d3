package dev.bootline.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.bootline.events.BootEvent;
import dev.bootline.events.EventCursor;
import dev.bootline.events.EventLog;
import dev.bootline.events.EventsExpiredException;
import dev.bootline.events.MachineSummary;
import dev.bootline.events.MachinesSnapshot;
import dev.bootline.wire.MacAddress;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events[?mac=<mac>]}: the boot timeline as server-sent events, compatible with dhcpv6macd (design §4),
 * mounted on the boot plane and on the admin server.
 *
 * <pre>
 * retry: 3000
 *
 * id: 41
 * data: {"52:54:00:12:34:56":{"Mac":"52:54:00:12:34:56","Events":[{"event":"init",…},…],"ip":…,"stage":…}}
 *
 * id: 42
 * data: {"mac":"52:54:00:12:34:56","event":{"event":"http_boot","timestamp":"…Z","id":42,"ip":…,"server":…,"detail":{…}}}
 *
 * : keepalive
 * </pre>
 *
 * The snapshot is all machines keyed by MAC, or with {@code ?mac=} (any notation) that machine's object or {@code
 * null}; it carries the id it is consistent with, and the live events follow from exactly there. A client that sends
 * {@code Last-Event-ID: N} gets no snapshot but every event after N, from the journal if need be (across restarts);
 * if those were already deleted by retention it gets a fresh snapshot instead. A MAC filter applies to live events.
 *
 * <p>Each connection runs on its own virtual thread that polls its own {@link EventCursor} and writes blocking: one
 * batch is written and flushed, and only when the client has taken it is the next polled. So a slow or stalled client
 * holds no queue and costs recording nothing; it falls behind into the journal and catches up in order. A client that
 * stays stalled past the connector's idle timeout (Jetty's default, 30 s) is disconnected by Jetty and resumes with
 * Last-Event-ID. If a client falls so far behind that retention deletes its next events, the stream ends with a
 * comment naming its last id; its reconnect then gets a snapshot.
 */
public final class EventsSse implements BootHttpServer.Route, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventsSse.class);
  public static final String PATH = "/events";
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  static final int RETRY_MILLIS = 3000;
  /** dhcpv6macd keeps 50 events per machine; the all-machines snapshot sends at most as many. */
  static final int SNAPSHOT_EVENTS_PER_MACHINE = 50;
  private static final int BATCH = 256;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final EventLog log;
  private final long heartbeatNanos;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public EventsSse(EventLog log) {
    this(log, HEARTBEAT);
  }

  EventsSse(EventLog log, Duration heartbeat) {
    this.log = log;
    this.heartbeatNanos = heartbeat.toNanos();
  }

  /**
   * One open stream: the client's address and port, its filter, and the id of the last event handed to its blocking
   * write (the snapshot's id at first).
   */
  public record StreamInfo(String remote, int remotePort, Optional<MacAddress> mac, long lastSentId) {}

  /** The open streams, for metrics and tests. */
  public List<StreamInfo> streams() {
    List<StreamInfo> out = new ArrayList<>();
    for (Stream s : streams) {
      out.add(new StreamInfo(s.remote, s.remotePort, s.mac, s.lastSentId));
    }
    return out;
  }

  public int subscribers() {
    return streams.size();
  }

  @Override
  public boolean mayHandle(Request request) {
    return PATH.equals(request.getHttpURI().getPath());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!PATH.equals(request.getHttpURI().getPath())) {
      return false;
    }
    if (!HttpMethod.GET.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "/events is GET only");
      return true;
    }
    String macText = Request.extractQueryParameters(request).getValue("mac");
    Optional<MacAddress> mac = Optional.empty();
    if (macText != null && !macText.isBlank()) {
      mac = MacAddress.parse(macText);
      if (mac.isEmpty()) {
        Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "mac: not a MAC address");
        return true;
      }
    }
    if (closed) {
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "shutting down");
      return true;
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Accel-Buffering", "no"); // tell a reverse proxy not to hold events back
    Stream s = new Stream(response, callback, Request.getRemoteAddr(request), Request.getRemotePort(request), mac,
        lastEventId(request.getHeaders().get("Last-Event-ID")));
    streams.add(s);
    s.thread = Thread.ofVirtual().name("sse " + s.remote).unstarted(s::run);
    // Jetty noticed the connection failed (idle timeout, reset): wake the thread if it is waiting for events.
    request.addFailureListener(t -> s.thread.interrupt());
    s.thread.start();
    return true;
  }

  /** A non-negative decimal id, else empty (a client may send anything; a bad id just means "start with a snapshot"). */
  static OptionalLong lastEventId(String header) {
    if (header == null || header.isBlank()) {
      return OptionalLong.empty();
    }
    try {
      long id = Long.parseLong(header.strip());
      return id >= 0 ? OptionalLong.of(id) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Ends every open stream, each with a proper end of response so its client reconnects (with Last-Event-ID). Waits
   * a little for them, so that the server stopped next does not cut them off mid-event.
   */
  @Override
  public void close() {
    closed = true;
    for (Stream s : streams) {
      s.thread.interrupt();
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    for (Stream s : streams) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        s.thread.join(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final class Stream {
    final Response response;
    final Callback callback;
    final String remote;
    final int remotePort;
    final Optional<MacAddress> mac;
    final String macText;
    final OptionalLong resumeAfter;
    volatile Thread thread;
    volatile long lastSentId;
    private final OutputStream out;
    private long lastWriteNanos;

    Stream(Response response, Callback callback, String remote, int remotePort, Optional<MacAddress> mac,
        OptionalLong resumeAfter) {
      this.response = response;
      this.callback = callback;
      this.remote = remote;
      this.remotePort = remotePort;
      this.mac = mac;
      this.macText = mac.map(MacAddress::toString).orElse(null);
      this.resumeAfter = resumeAfter;
      // Writes block until Jetty has taken the bytes; the buffer only batches the lines of one flush.
      this.out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 16 * 1024);
    }

    void run() {
      Throwable failure = null;
      EventCursor cursor = null;
      try {
        ascii("retry: " + RETRY_MILLIS + "\n\n");
        boolean dataSent = false;
        long after;
        if (resumeAfter.isPresent() && resumeAfter.getAsLong() <= log.lastId()) {
          after = resumeAfter.getAsLong();
        } else { // no id, or one from a journal since wiped: start over
          after = snapshot();
          dataSent = true;
        }
        flush();
        lastSentId = after;
        cursor = log.subscribe(after);
        while (!closed && !cursor.isClosed()) {
          long wait = lastWriteNanos + heartbeatNanos - System.nanoTime();
          List<BootEvent> batch = List.of();
          if (wait > 0) {
            try {
              batch = cursor.poll(BATCH, Duration.ofNanos(wait));
            } catch (EventsExpiredException expired) {
              cursor.close();
              if (!dataSent) { // the client's Last-Event-ID is older than the journal: a snapshot instead
                after = snapshot();
                flush();
                dataSent = true;
                lastSentId = after;
                cursor = log.subscribe(after);
                continue;
              }
              ascii(": events after id " + expired.lastDeliveredId() + " are no longer kept (oldest is "
                  + expired.oldestAvailableId() + "); reconnect with Last-Event-ID "
                  + expired.lastDeliveredId() + " for a fresh snapshot\n\n");
              flush();
              LOG.info("SSE client {} fell behind retention after id {}; closing its stream",
                  remote, expired.lastDeliveredId());
              break;
            }
          }
          boolean wrote = false;
          for (BootEvent e : batch) {
            if (macText == null || macText.equals(e.mac())) {
              event(e);
              wrote = true;
              lastSentId = e.id();
            }
          }
          if (wrote) {
            flush();
            dataSent = true;
          } else if (System.nanoTime() - lastWriteNanos >= heartbeatNanos) {
            ascii(": keepalive\n\n");
            flush();
          }
        }
      } catch (InterruptedException e) {
        // closing, or Jetty saw the connection fail
      } catch (IOException | UncheckedIOException | IllegalStateException e) {
        failure = e; // mostly the client going away mid-write
        LOG.debug("SSE stream to {} ended: {}", remote, e.toString());
      } catch (RuntimeException e) {
        failure = e;
        LOG.warn("SSE stream to {} failed", remote, e);
      } finally {
        if (cursor != null) {
          cursor.close();
        }
        streams.remove(this);
      }
      if (failure == null) {
        callback.succeeded(); // ends the response: the client sees the end of the stream
      } else {
        callback.failed(failure);
      }
    }

    /** Writes the snapshot event; returns the id it is consistent with. */
    private long snapshot() throws IOException {
      MachinesSnapshot snap = log.machines();
      long id = snap.lastEventId();
      ascii("id: " + id + "\ndata: ");
      try (JsonGenerator g = EventJson.generator(out)) {
        if (macText != null) {
          MachineSummary m = snap.machines().get(macText);
          if (m == null) {
            g.writeNull();
          } else {
            EventJson.writeSnapshotMachine(g, m, eventsUpTo(m, id, Integer.MAX_VALUE));
          }
        } else {
          g.writeStartObject();
          for (MachineSummary m : snap.machines().values()) {
            g.writeFieldName(m.mac());
            EventJson.writeSnapshotMachine(g, m, eventsUpTo(m, id, SNAPSHOT_EVENTS_PER_MACHINE));
          }
          g.writeEndObject();
        }
      }
      ascii("\n\n");
      return id;
    }

    /** The machine's remembered events up to the snapshot's id (later ones come live), the newest {@code max}. */
    private List<BootEvent> eventsUpTo(MachineSummary m, long snapshotId, int max) {
      List<BootEvent> timeline = log.timeline(m.mac()).stream().filter(e -> e.id() <= snapshotId).toList();
      if (timeline.isEmpty() && m.lastEvent() != null && m.lastEvent().id() <= snapshotId) {
        return List.of(m.lastEvent()); // aged out of memory between the two calls
      }
      return timeline.size() <= max ? timeline : timeline.subList(timeline.size() - max, timeline.size());
    }

    private void event(BootEvent e) throws IOException {
      ascii("id: " + e.id() + "\ndata: ");
      try (JsonGenerator g = EventJson.generator(out)) {
        EventJson.writeLive(g, e);
      }
      ascii("\n\n");
    }

    private void ascii(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private void flush() throws IOException {
      out.flush();
      lastWriteNanos = System.nanoTime();
    }
  }
}
