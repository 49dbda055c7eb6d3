package dev.bootline.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bootline.boot.Assignment;
import dev.bootline.events.BootEvent;
import dev.bootline.events.MachineSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * The JSON shapes of events and machines, shared by the SSE stream and the admin API. Written with Jackson's streaming
 * generator straight to the response so a large snapshot never sits in memory as one string.
 *
 * <p>An event object (dhcpv6macd's {@code event} and {@code timestamp} first, bootline's extras after):
 *
 * <pre>{@code {"event":"http_boot","timestamp":"2026-01-02T03:04:05.123Z","id":42,"ip":"2001:db8::1",
 * "server":"dhcp6@br0","detail":{...}}}</pre>
 */
final class EventJson {
  // Closing or flushing a generator must neither close nor flush the response: the SSE stream flushes per batch.
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);

  private EventJson() {}

  /** A generator that leaves {@code out} open when it is closed (the SSE stream goes on after one event). */
  static JsonGenerator generator(OutputStream out) throws IOException {
    return MAPPER.getFactory().createGenerator(out);
  }

  /** The event object described in the class comment. */
  static void writeEvent(JsonGenerator g, BootEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("event", e.name());
    g.writeStringField("timestamp", e.timestamp().toString());
    g.writeNumberField("id", e.id());
    g.writeStringField("ip", e.ip());
    g.writeStringField("server", e.server());
    g.writeFieldName("detail");
    g.writeObject(e.detail());
    g.writeEndObject();
  }

  /** A live SSE event in dhcpv6macd's shape: {@code {"mac":"52:54:00:12:34:56","event":{...}}}. */
  static void writeLive(JsonGenerator g, BootEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("mac", e.mac());
    g.writeFieldName("event");
    writeEvent(g, e);
    g.writeEndObject();
  }

  /**
   * One machine in an SSE snapshot, dhcpv6macd's {@code {"Mac":…,"Events":[…]}} (its Go field names) plus bootline's
   * {@code ip} and {@code stage}.
   */
  static void writeSnapshotMachine(JsonGenerator g, MachineSummary m, List<BootEvent> events) throws IOException {
    g.writeStartObject();
    g.writeStringField("Mac", m.mac());
    g.writeArrayFieldStart("Events");
    for (BootEvent e : events) {
      writeEvent(g, e);
    }
    g.writeEndArray();
    g.writeStringField("ip", m.ip());
    g.writeStringField("stage", m.stage());
    g.writeEndObject();
  }

  /**
   * A machine in the admin API: {@code {"mac","ip","stage","last_event":{event object},"first_seen","last_seen",
   * "event_count","assignment"}} ({@code assignment}: null or {@link AssignmentJson}'s object), and {@code
   * "timeline":[…]} when {@code timeline} is not null.
   */
  static void writeMachine(JsonGenerator g, MachineSummary m, List<BootEvent> timeline, Assignment assignment)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("mac", m.mac());
    g.writeStringField("ip", m.ip());
    g.writeStringField("stage", m.stage());
    g.writeFieldName("last_event");
    if (m.lastEvent() == null) {
      g.writeNull();
    } else {
      writeEvent(g, m.lastEvent());
    }
    g.writeStringField("first_seen", text(m.firstSeen()));
    g.writeStringField("last_seen", text(m.lastSeen()));
    g.writeNumberField("event_count", m.eventCount());
    g.writeFieldName("assignment");
    g.writeObject(assignment == null ? null : AssignmentJson.toMap(assignment));
    if (timeline != null) {
      g.writeArrayFieldStart("timeline");
      for (BootEvent e : timeline) {
        writeEvent(g, e);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
