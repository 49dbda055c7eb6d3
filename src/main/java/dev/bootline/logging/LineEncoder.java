package dev.bootline.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * logback's {@link PatternLayoutEncoder}, with the bytes of bootline's own line pattern {@link #TEXT_PATTERN}
 * ({@code %d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n}) written directly instead of through PatternLayout's
 * converter chain, a String and {@code getBytes}: the time's {@code HH:mm:ss.} is formatted once per second, the
 * {@code "LEVEL logger: "} prefix once per logger and level, and an ASCII message is copied byte by byte into the
 * caller's buffer ({@link #encodeTo}: the batching log thread's one buffer per write, so no array per line).
 *
 * <p>The output is byte for byte PatternLayout's ({@code LineEncoderTest} compares them): any other pattern, an event
 * with a throwable (PatternLayout appends the stack trace) or a charset that is not ASCII-compatible goes through
 * {@link PatternLayoutEncoder} unchanged. So an operator's own logback file can still set any pattern.
 */
public final class LineEncoder extends PatternLayoutEncoder {
  /** The pattern with the direct path; the same as {@link DefaultLogging}'s and {@code cli/LogFormat}'s. */
  public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";

  private static final byte[] LINE_END = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);
  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("HH:mm:ss.");

  /** The second last formatted ({@code HH:mm:ss.} in the default zone), as ASCII bytes. */
  private record Second(long epochSecond, byte[] text) {}

  private volatile boolean direct;
  private Charset charset;
  private DateTimeFormatter secondFormat;
  private volatile Second lastSecond = new Second(Long.MIN_VALUE, new byte[0]);
  /** logger name → "LEVEL short-name: " per level (5 levels; index by {@link #levelIndex}). */
  private final ConcurrentHashMap<String, byte[][]> prefixes = new ConcurrentHashMap<>();

  @Override
  public void start() {
    super.start();
    Charset c = getCharset() != null ? getCharset() : Charset.defaultCharset();
    charset = c;
    // logback's DateConverter without a zone option formats in the default zone (read once at start, as here).
    secondFormat = SECOND.withZone(ZoneId.systemDefault());
    direct =
        TEXT_PATTERN.equals(getPattern())
            && (c.equals(StandardCharsets.UTF_8) || c.equals(StandardCharsets.ISO_8859_1)
                || c.equals(StandardCharsets.US_ASCII))
            && getLayout() != null
            && !isOutputPatternAsHeader();
  }

  @Override
  public void stop() {
    direct = false;
    super.stop();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    if (!canEncodeDirectly(event)) {
      return super.encode(event);
    }
    LineBuffer out = new LineBuffer(128);
    write(event, out);
    return out.toByteArray();
  }

  /** Appends the event's line to {@code out}: the same bytes as {@link #encode}, without an array per line. */
  public void encodeTo(ILoggingEvent event, LineBuffer out) {
    if (!canEncodeDirectly(event)) {
      out.put(super.encode(event));
      return;
    }
    write(event, out);
  }

  /**
   * A ByteArrayOutputStream whose owner appends without its per-call lock (write(int) is synchronized, which per
   * character cost more than PatternLayout). One thread at a time: the batching log thread's buffer, or a fresh one.
   */
  public static final class LineBuffer extends ByteArrayOutputStream {
    public LineBuffer(int size) {
      super(size);
    }

    void put(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, count, b.length);
      count += b.length;
    }

    /** The message: ASCII copied char by char, the rest (from the first non-ASCII char) through the charset. */
    void putText(String s, Charset charset) {
      int n = s.length();
      ensure(n);
      byte[] b = buf;
      int at = count;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          count = at;
          put(s.substring(i).getBytes(charset)); // the ASCII part is the same in every such charset
          return;
        }
        b[at++] = (byte) c;
      }
      count = at;
    }

    void putMillis(int ms) {
      ensure(4);
      buf[count++] = (byte) ('0' + ms / 100);
      buf[count++] = (byte) ('0' + ms / 10 % 10);
      buf[count++] = (byte) ('0' + ms % 10);
      buf[count++] = ' ';
    }

    private void ensure(int more) {
      if (count + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      }
    }
  }

  private boolean canEncodeDirectly(ILoggingEvent event) {
    return direct && event.getThrowableProxy() == null && levelIndex(event.getLevel()) >= 0;
  }

  private void write(ILoggingEvent event, LineBuffer out) {
    long millis = event.getTimeStamp();
    long epochSecond = Math.floorDiv(millis, 1000);
    Second second = lastSecond;
    if (second.epochSecond() != epochSecond) {
      byte[] text = secondFormat.format(Instant.ofEpochSecond(epochSecond)).getBytes(StandardCharsets.US_ASCII);
      second = new Second(epochSecond, text);
      lastSecond = second;
    }
    out.put(second.text());
    out.putMillis((int) Math.floorMod(millis, 1000));
    out.put(prefix(event.getLoggerName(), event.getLevel()));
    String message = event.getFormattedMessage();
    out.putText(message == null ? "null" : message, charset); // "null": what PatternLayout's append(null) writes
    out.put(LINE_END);
  }

  private byte[] prefix(String loggerName, Level level) {
    byte[][] byLevel = prefixes.get(loggerName);
    if (byLevel == null) {
      byLevel = new byte[5][];
      int dot = loggerName.lastIndexOf('.'); // %logger{0}: the name after the last dot
      String shortName = dot < 0 ? loggerName : loggerName.substring(dot + 1);
      for (Level l : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR}) {
        String padded = (l.toString() + "     ").substring(0, Math.max(5, l.toString().length()));
        byLevel[levelIndex(l)] = (padded + " " + shortName + ": ").getBytes(charset);
      }
      if (prefixes.size() < 1024) { // logger names are a fixed set of classes; bound it anyway
        prefixes.put(loggerName, byLevel);
      }
    }
    return byLevel[levelIndex(level)];
  }

  private static int levelIndex(Level level) {
    if (level == null) {
      return -1;
    }
    return switch (level.toInt()) {
      case Level.TRACE_INT -> 0;
      case Level.DEBUG_INT -> 1;
      case Level.INFO_INT -> 2;
      case Level.WARN_INT -> 3;
      case Level.ERROR_INT -> 4;
      default -> -1;
    };
  }
}
