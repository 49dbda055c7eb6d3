package dev.bootline.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The on-disk format. A segment file starts with the 8-byte {@link #SEGMENT_MAGIC}; then one frame per event:
 *
 * <pre>
 *   u32 payload length (big-endian) | u32 CRC32C over (length bytes ‖ payload) | payload: UTF-8 JSON object
 *   {"id":7,"timestamp":"2025-01-01T00:00:00Z","mac":"aa:..","ip":null,"name":"http_boot","server":"..","detail":{..}}
 * </pre>
 *
 * A frame whose length is out of range, runs past the end of the file, fails its CRC or does not parse is "torn": the
 * reader stops there. The CRC covers the length so a torn length is caught too.
 */
final class JournalCodec {
  static final byte[] SEGMENT_MAGIC = "BLEVJ01\n".getBytes(StandardCharsets.US_ASCII);
  static final int FRAME_HEADER = 8;
  /** Largest payload accepted; a bigger event's detail is replaced by its size (see {@link #encode}). */
  static final int MAX_PAYLOAD = 64 * 1024;

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private JournalCodec() {}

  /** JSON payload of an event. */
  static byte[] payload(BootEvent e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("id", e.id());
      g.writeStringField("timestamp", e.timestamp().toString());
      g.writeStringField("mac", e.mac());
      g.writeStringField("ip", e.ip());
      g.writeStringField("name", e.name());
      g.writeStringField("server", e.server());
      g.writeFieldName("detail");
      writeValue(g, e.detail());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new IllegalStateException("cannot serialise event " + e.id(), ex);
    }
    return out.toByteArray();
  }

  /**
   * Writes a {@link JsonValues}-normalised value token by token — the same JSON the ObjectMapper writes, without its
   * per-call serializer lookup (the writer journals one event per DHCP exchange). Anything else falls back to it.
   */
  private static void writeValue(JsonGenerator g, Object value) throws IOException {
    switch (value) {
      case null -> g.writeNull();
      case String s -> g.writeString(s);
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Boolean b -> g.writeBoolean(b);
      case Double d -> g.writeNumber(d);
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> entry : m.entrySet()) {
          g.writeFieldName(String.valueOf(entry.getKey()));
          writeValue(g, entry.getValue());
        }
        g.writeEndObject();
      }
      case java.util.List<?> list -> {
        g.writeStartArray();
        for (Object item : list) {
          writeValue(g, item);
        }
        g.writeEndArray();
      }
      default -> {
        g.setCodec(MAPPER);
        g.writeObject(value);
      }
    }
  }

  /** Appends one frame to {@code out}. */
  static void frame(byte[] payload, ByteArrayOutputStream out) {
    byte[] header = new byte[FRAME_HEADER];
    ByteBuffer.wrap(header).putInt(payload.length).putInt(crc(header, payload));
    out.writeBytes(header);
    out.writeBytes(payload);
  }

  static int crc(byte[] header, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(header, 0, 4);
    crc.update(payload);
    return (int) crc.getValue();
  }

  /** Parses a payload whose CRC has already been checked. */
  static BootEvent decode(byte[] payload) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = MAPPER.readValue(payload, LinkedHashMap.class);
    Object id = m.get("id");
    Object ts = m.get("timestamp");
    Object name = m.get("name");
    if (!(id instanceof Number n) || !(ts instanceof String t) || !(name instanceof String s)) {
      throw new IOException("journal record lacks id, timestamp or name");
    }
    Object detail = m.get("detail");
    try {
      return new BootEvent(
          n.longValue(),
          Instant.parse(t),
          (String) m.get("mac"),
          (String) m.get("ip"),
          s,
          detail instanceof Map<?, ?> d ? JsonValues.normaliseMap(d) : Map.of(),
          (String) m.get("server"));
    } catch (RuntimeException ex) {
      throw new IOException("malformed journal record: " + ex.getMessage(), ex);
    }
  }
}
