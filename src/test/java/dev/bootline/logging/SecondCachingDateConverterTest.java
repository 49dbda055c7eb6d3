package dev.bootline.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.DateConverter;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SecondCachingDateConverterTest {

  private static LoggingEvent at(long millis) {
    LoggingEvent e = new LoggingEvent();
    e.setLevel(Level.INFO);
    e.setMessage("m");
    e.setTimeStamp(millis);
    return e;
  }

  private static <C extends DateConverter> C started(C c, List<String> options) {
    c.setContext(new LoggerContext());
    c.setOptionList(options);
    c.start();
    return c;
  }

  /** The same text as logback's own %d, for random instants (mostly in order, as a log sees them) and DST zones. */
  @Test
  void sameTextAsLogbacksDateConverter() {
    List<List<String>> optionSets =
        List.of(
            List.of("HH:mm:ss.SSS"),
            List.of("HH:mm:ss.SSS", "Europe/Berlin"),
            List.of("yyyy-MM-dd HH:mm:ss,SSS", "America/St_Johns"),
            List.of("HH:mm:ss.SSS", "Australia/Lord_Howe"),
            List.of("dd MMM yyyy HH:mm:ss.SSS", "UTC", "fr"),
            List.of("ISO8601"),
            List.of("HH:mm:ss.SSSS"),
            List.of("'T'HH:mm:ss.SSS"));
    SplittableRandom random = new SplittableRandom(8);
    for (List<String> options : optionSets) {
      DateConverter logback = started(new DateConverter(), options);
      SecondCachingDateConverter ours = started(new SecondCachingDateConverter(), options);
      long t = 1_774_744_000_000L; // around the March 2026 DST change in Europe
      for (int i = 0; i < 200_000; i++) {
        t += random.nextInt(10) == 0 ? random.nextLong(-5_000_000_000L, 5_000_000_000L) : random.nextInt(700);
        LoggingEvent e = at(t);
        assertThat(ours.convert(e)).as("%s at %d", options, t).isEqualTo(logback.convert(e));
      }
      for (long dst : new long[] {1_774_746_000_000L, 1_792_890_000_000L, -1L, 0L, -999L}) {
        for (long d = -3000; d <= 3000; d += 7) {
          LoggingEvent e = at(dst + d);
          assertThat(ours.convert(e)).as("%s at %d", options, dst + d).isEqualTo(logback.convert(e));
        }
      }
    }
  }

  @Test
  void onlyPerSecondPatternsEndingInMillisTakeTheFastPath() {
    assertThat(SecondCachingDateConverter.perSecondThenMillis("HH:mm:ss.SSS")).isTrue();
    assertThat(SecondCachingDateConverter.perSecondThenMillis("yyyy-MM-dd HH:mm:ss,SSS")).isTrue();
    assertThat(SecondCachingDateConverter.perSecondThenMillis("HH:mm:ss.SSSS")).isFalse();
    assertThat(SecondCachingDateConverter.perSecondThenMillis("HH:mm:ss.nnnSSS")).isFalse();
    assertThat(SecondCachingDateConverter.perSecondThenMillis("'at' HH:mm:ss.SSS")).isFalse();
    assertThat(SecondCachingDateConverter.perSecondThenMillis("HH:mm:ss")).isFalse();
  }

  /** logback.xml's pattern goes through this converter (its conversion rule for d is picked up), same text. */
  @Test
  void logbackXmlUsesIt() throws Exception {
    LoggerContext context = new LoggerContext();
    ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(SecondCachingDateConverterTest.class.getResource("/logback.xml"));
    var appender =
        (ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    var layout = ((ch.qos.logback.classic.encoder.PatternLayoutEncoder) appender.getEncoder()).getLayout();
    @SuppressWarnings("unchecked")
    var rules =
        (java.util.Map<String, java.util.function.Supplier<?>>)
            context.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
    assertThat(rules.get("d").get()).isInstanceOf(SecondCachingDateConverter.class);
    DateConverter logback = started(new DateConverter(), List.of("HH:mm:ss.SSS"));
    LoggingEvent e = at(1_774_744_123_456L);
    e.setLoggerName("dev.bootline.dhcp4.ProxyResponder");
    assertThat(layout.doLayout(e)).isEqualTo(logback.convert(e) + " INFO  ProxyResponder: m" + System.lineSeparator());
    context.stop();
  }
}
