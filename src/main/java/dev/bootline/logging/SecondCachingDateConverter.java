package dev.bootline.logging;

import ch.qos.logback.classic.pattern.DateConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * logback's {@code %d} with the same text, formatted once per second instead of once per millisecond. logback's own
 * converter runs a {@link DateTimeFormatter} whenever the millisecond changes, which under a DHCP storm is every line
 * (about half the decision-log thread's time). When the pattern ends in its only {@code SSS} (such as logback.xml's
 * {@code HH:mm:ss.SSS}), everything before the milliseconds depends only on the second (zone offsets are whole
 * seconds), so that part is formatted by the same formatter logback would build (pattern, zone option or the system
 * zone, locale option or the default locale) once per second and the three digits are appended. Any other pattern
 * falls back to logback's converter unchanged. Registered for {@code d}/{@code date} in logback.xml.
 */
public final class SecondCachingDateConverter extends DateConverter {
  /** Letters whose value is fixed within one second of one zone (and so may be cached per second). */
  private static final String PER_SECOND_LETTERS = "yuMLdDEeHhKkmsaG";

  private record Second(long epochSecond, String prefix) {}

  private DateTimeFormatter formatter; // null: not a pattern this converter speeds up
  private volatile Second cached = new Second(Long.MIN_VALUE, "");

  @Override
  public void start() {
    super.start();
    String pattern = getFirstOption();
    if (pattern == null || !perSecondThenMillis(pattern)) {
      return;
    }
    try {
      List<String> options = getOptionList();
      ZoneId zone = options != null && options.size() > 1 ? ZoneId.of(options.get(1)) : ZoneId.systemDefault();
      Locale locale =
          options != null && options.size() > 2 ? Locale.forLanguageTag(options.get(2)) : Locale.getDefault();
      formatter = DateTimeFormatter.ofPattern(pattern).withZone(zone).withLocale(locale);
    } catch (RuntimeException e) {
      formatter = null; // logback's converter reports the bad pattern or zone and uses its fallback
    }
  }

  /** True when the pattern is per-second fields and literal separators, then exactly one trailing {@code SSS}. */
  static boolean perSecondThenMillis(String pattern) {
    if (!pattern.endsWith("SSS") || pattern.length() < 4 || pattern.charAt(pattern.length() - 4) == 'S') {
      return false;
    }
    for (int i = 0; i < pattern.length() - 3; i++) {
      char c = pattern.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (letter ? PER_SECOND_LETTERS.indexOf(c) < 0 : c == '\'' || c == '[' || c == ']' || c == '{' || c == '}'
          || c == '#') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String convert(ILoggingEvent event) {
    if (formatter == null) {
      return super.convert(event);
    }
    return format(event.getTimeStamp());
  }

  String format(long millis) {
    long second = Math.floorDiv(millis, 1000);
    int ms = (int) Math.floorMod(millis, 1000);
    Second s = cached;
    if (s.epochSecond != second) {
      String whole = formatter.format(Instant.ofEpochSecond(second)); // ends in "000"
      s = new Second(second, whole.substring(0, whole.length() - 3));
      cached = s;
    }
    String prefix = s.prefix;
    int n = prefix.length();
    char[] out = new char[n + 3];
    prefix.getChars(0, n, out, 0);
    out[n] = (char) ('0' + ms / 100);
    out[n + 1] = (char) ('0' + ms / 10 % 10);
    out[n + 2] = (char) ('0' + ms % 10);
    return new String(out);
  }
}
