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
    writePayload(e, out);
    return out.toByteArray();
  }

  private static void writePayload(BootEvent e, java.io.OutputStream out) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeEvent(e, g);
    } catch (IOException ex) {
      throw new IllegalStateException("cannot serialise event " + e.id(), ex);
    }
  }

  private static void writeEvent(BootEvent e, JsonGenerator g) throws IOException {
      g.writeStartObject();
      g.writeNumberField("id", e.id());
      g.writeStringField("timestamp", timestamp(e.timestamp()));
      g.writeStringField("mac", e.mac());
      g.writeStringField("ip", e.ip());
      g.writeStringField("name", e.name());
      g.writeStringField("server", e.server());
      g.writeFieldName("detail");
      writeValue(g, e.detail());
      g.writeEndObject();
  }

  /** The last second formatted: events of a storm share it, so only the fraction is formatted per event. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second lastSecond = new Second(0, "1970-01-01T00:00:00");
  /** 9999-12-31T23:59:59Z: up to here ISO_INSTANT writes a plain four-digit year. */
  private static final long LAST_FOUR_DIGIT_YEAR_SECOND = 253_402_300_799L;

  private static Second second(long seconds) {
    Second second = lastSecond;
    if (second.epochSecond() != seconds) {
      String whole = Instant.ofEpochSecond(seconds).toString(); // "....:ssZ"
      second = new Second(seconds, whole.substring(0, whole.length() - 1));
      lastSecond = second;
    }
    return second;
  }

  /** Exactly {@link Instant#toString()} (ISO_INSTANT: the fraction in groups of three digits, none when zero). */
  static String timestamp(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < 0 || seconds > LAST_FOUR_DIGIT_YEAR_SECOND) {
      return t.toString();
    }
    int nano = t.getNano();
    int digits = fractionDigits(nano);
    StringBuilder b = new StringBuilder(30).append(second(seconds).text());
    if (digits > 0) {
      b.append('.');
      String v = Integer.toString(fractionValue(nano, digits));
      for (int i = v.length(); i < digits; i++) {
        b.append('0');
      }
      b.append(v);
    }
    return b.append('Z').toString();
  }

  /** ISO_INSTANT's fraction: the fewest of 3, 6 or 9 digits that hold the nanoseconds; 0 when there are none. */
  private static int fractionDigits(int nano) {
    return nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
  }

  /** The fraction as a number of {@code digits} digits (leading zeros not written). */
  private static int fractionValue(int nano, int digits) {
    return digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
  }

  /**
   * The writer's batch buffer: frames are encoded straight into it (no payload array, no header array) and it is
   * written to the segment from its own array.
   *
   * <p>The payload is written by {@link #writePlain} when every string in the event is printable ASCII without a
   * quote or backslash and every value a string, integer, boolean, null, map or list (a DHCP or TFTP event always
   * is): there Jackson's output is just the characters, so it is written byte by byte without Jackson's token calls.
   * Anything else (an escape, non-ASCII text, a decimal) goes through the Jackson generator as before. {@code
   * JournalCodecTest} checks both give the bytes of {@link #payload} on many random events.
   */
  static final class FrameBuffer extends ByteArrayOutputStream {
    private static final byte[] ID = ascii("{\"id\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":\"");
    private static final byte[] MAC = ascii("\",\"mac\":");
    private static final byte[] IP = ascii(",\"ip\":");
    private static final byte[] NAME = ascii(",\"name\":");
    private static final byte[] SERVER = ascii(",\"server\":");
    private static final byte[] DETAIL = ascii(",\"detail\":");

    private JsonGenerator generator;
    private final CRC32C crc = new CRC32C();

    private static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One byte, without ByteArrayOutputStream.write's lock (this buffer has one owner, the writer thread). */
    private void put(byte b) {
      ensure(1);
      buf[count++] = b;
    }

    private void bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, count, b.length);
      count += b.length;
    }

    FrameBuffer(int size) {
      super(size);
    }

    /** Appends one event's frame (header, then payload); returns the payload's length. */
    int append(BootEvent e) {
      int start = count;
      ensure(FRAME_HEADER);
      count += FRAME_HEADER;
      if (!writePlain(e)) {
        count = start + FRAME_HEADER; // what the plain path wrote before it gave up
        writeWithJackson(e);
      }
      int length = count - start - FRAME_HEADER;
      putInt(start, length);
      crc.reset();
      crc.update(buf, start, 4);
      crc.update(buf, start + FRAME_HEADER, length);
      putInt(start + 4, (int) crc.getValue());
      return length;
    }

    private void writeWithJackson(BootEvent e) {
      try {
        if (generator == null) {
          // One generator for every frame until it fails: creating and closing one per event (buffer recycling)
          // was a fifth of the writer thread. No separator between root values; each payload is flushed here.
          generator = FACTORY.createGenerator(this);
          generator.setRootValueSeparator(null);
        }
        writeEvent(e, generator);
        generator.flush();
      } catch (IOException | RuntimeException ex) {
        generator = null; // mid-object: its state is useless; the caller truncates what it wrote
        throw ex instanceof RuntimeException r ? r : new IllegalStateException("cannot serialise event " + e.id(), ex);
      }
    }

    /** The payload as Jackson writes it, if the event has only plain values (see the class comment); else false. */
    boolean writePlain(BootEvent e) {
      bytes(ID);
      number(e.id());
      bytes(TIMESTAMP);
      timestamp(e.timestamp());
      bytes(MAC);
      if (!plainOrNull(e.mac())) {
        return false;
      }
      bytes(IP);
      if (!plainOrNull(e.ip())) {
        return false;
      }
      bytes(NAME);
      if (!plainOrNull(e.name())) {
        return false;
      }
      bytes(SERVER);
      if (!plainOrNull(e.server())) {
        return false;
      }
      bytes(DETAIL);
      if (!plainValue(e.detail())) {
        return false;
      }
      put((byte) '}');
      return true;
    }

    private boolean plainValue(Object value) {
      switch (value) {
        case null -> asciiText("null");
        case String s -> {
          return plainString(s);
        }
        case Integer i -> number(i);
        case Long l -> number(l);
        case Boolean b -> asciiText(b ? "true" : "false");
        case EventDetail d -> {
          put((byte) '{');
          for (int i = 0, n = d.size(); i < n; i++) {
            if (i > 0) {
              put((byte) ',');
            }
            if (!plainString(d.keyAt(i))) {
              return false;
            }
            put((byte) ':');
            if (!plainValue(d.valueAt(i))) {
              return false;
            }
          }
          put((byte) '}');
        }
        case Map<?, ?> m -> {
          put((byte) '{');
          boolean first = true;
          for (Map.Entry<?, ?> entry : m.entrySet()) {
            if (!first) {
              put((byte) ',');
            }
            first = false;
            if (!plainString(String.valueOf(entry.getKey()))) {
              return false;
            }
            put((byte) ':');
            if (!plainValue(entry.getValue())) {
              return false;
            }
          }
          put((byte) '}');
        }
        case java.util.List<?> list -> {
          put((byte) '[');
          for (int i = 0, n = list.size(); i < n; i++) {
            if (i > 0) {
              put((byte) ',');
            }
            if (!plainValue(list.get(i))) {
              return false;
            }
          }
          put((byte) ']');
        }
        default -> {
          return false; // a decimal or anything else: Jackson's formatting
        }
      }
      return true;
    }

    private boolean plainOrNull(String s) {
      if (s == null) {
        asciiText("null");
        return true;
      }
      return plainString(s);
    }

    /** {@code "s"} if s is printable ASCII without '"' and '\\' (written verbatim by Jackson); else false. */
    private boolean plainString(String s) {
      int n = s.length();
      ensure(n + 2);
      byte[] b = buf;
      int at = count;
      b[at++] = '"';
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
          return false;
        }
        b[at++] = (byte) c;
      }
      b[at++] = '"';
      count = at;
      return true;
    }

    /** A string known to be plain ASCII. */
    private void asciiText(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[count++] = (byte) s.charAt(i);
      }
    }

    private void number(long v) {
      if (v == Long.MIN_VALUE) {
        asciiText(Long.toString(v));
        return;
      }
      ensure(20);
      if (v < 0) {
        buf[count++] = '-';
        v = -v;
      }
      int digits = 1;
      for (long x = v; x >= 10; x /= 10) {
        digits++;
      }
      for (int i = count + digits - 1; i >= count; i--) {
        buf[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      count += digits;
    }

    /** {@link JournalCodec#timestamp} written as bytes. */
    private void timestamp(Instant t) {
      long seconds = t.getEpochSecond();
      if (seconds < 0 || seconds > LAST_FOUR_DIGIT_YEAR_SECOND) {
        asciiText(t.toString());
        return;
      }
      asciiText(second(seconds).text());
      int nano = t.getNano();
      int digits = fractionDigits(nano);
      if (digits > 0) {
        int value = fractionValue(nano, digits);
        ensure(digits + 1);
        buf[count++] = '.';
        for (int i = count + digits - 1; i >= count; i--) {
          buf[i] = (byte) ('0' + value % 10);
          value /= 10;
        }
        count += digits;
      }
      put((byte) 'Z');
    }

    /** Drops everything after the first {@code size} bytes (a frame that must not go into this write). */
    void truncate(int size) {
      count = size;
    }

    ByteBuffer asByteBuffer() {
      return ByteBuffer.wrap(buf, 0, count);
    }

    private void ensure(int more) {
      if (count + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      }
    }

    private void putInt(int at, int v) {
      buf[at] = (byte) (v >>> 24);
      buf[at + 1] = (byte) (v >>> 16);
      buf[at + 2] = (byte) (v >>> 8);
      buf[at + 3] = (byte) v;
    }
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
