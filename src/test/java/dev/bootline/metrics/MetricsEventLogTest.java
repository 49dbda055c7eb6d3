package dev.bootline.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.events.EventLog;
import dev.bootline.events.EventNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsEventLogTest {
  @TempDir Path dir;

  @Test
  void eventsByNameAndJournalStats() throws Exception {
    try (EventLog log = EventLog.open(dir)) {
      log.record("52:54:00:00:00:01", null, "before_binding", null, "test");
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir.resolve("events"))) {
      segment = files.filter(p -> p.toString().endsWith(".journal")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3); // the only record, torn (as a crash mid-write leaves it)
    }

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EventLog log = EventLog.open(dir)) {
      BootlineMetrics.bind(registry, log);
      log.record("52:54:00:00:00:01", null, EventNames.HTTP_BOOT, null, "test");
      log.record("52:54:00:00:00:02", null, EventNames.HTTP_BOOT, null, "test");
      long last = log.record("52:54:00:00:00:01", null, EventNames.OS_INIT, null, "test").id();
      assertThat(log.awaitJournaled(last, java.time.Duration.ofSeconds(20))).isTrue();

      Scrape s = Scrape.of(registry);
      assertThat(s.get("bootline_events_total{name=\"" + EventNames.HTTP_BOOT + "\"}")).isEqualTo(2.0);
      assertThat(s.get("bootline_events_total{name=\"" + EventNames.OS_INIT + "\"}")).isEqualTo(1.0);
      assertThat(s.all().keySet()).noneMatch(k -> k.contains("before_binding")); // a new process counts from zero
      assertThat(s.get("bootline_journal_recorded_total")).isEqualTo(3.0);
      assertThat(s.get("bootline_journal_dropped_total")).isEqualTo(0.0);
      assertThat(log.stats().tornRecordsOnOpen()).isPositive();
      assertThat(s.get("bootline_journal_torn_records_total")).isEqualTo((double) log.stats().tornRecordsOnOpen());
      assertThat(s.get("bootline_journal_last_id")).isEqualTo((double) last);
      assertThat(s.get("bootline_journal_machines")).isEqualTo(2.0);
    }
  }
}
