package dev.bootline.metrics;

import dev.bootline.dhcp4.ProxyDhcpServer;
import dev.bootline.events.EventLog;
import dev.bootline.events.EventLogStats;
import dev.bootline.http.BootHttpServer;
import dev.bootline.tftp.TftpCounters;
import dev.bootline.tftp.TftpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Bridges each server's own counters into a {@link MeterRegistry}. The servers keep counting in their own adders (their
 * getters and tests read those); the registry reads the same adders on scrape. Series, all under {@code bootline.}:
 *
 * <ul>
 *   <li>{@code proxy.packets.received}, {@code proxy.packets{result,reason}} (answered, silent, malformed, send_failed)
 *   <li>{@code dhcp6.packets{result,reason}} (counted by {@code Dhcp6Server} itself)
 *   <li>{@code tftp.packets.received}, {@code tftp.packets{result,reason}} (refused, malformed, dropped, send_failed),
 *       {@code tftp.transfers{result}}, {@code tftp.transfer.failures{reason}}, {@code tftp.errors{where,reason}},
 *       {@code tftp.bytes}, gauge {@code tftp.transfers.active}
 *   <li>{@code http.fetches{result}} (complete, error, not_found), {@code http.bytes}, gauge {@code http.fetches.active}
 *   <li>{@code events{name}} (every event the journal accepted: boot stage transitions and the rest),
 *       {@code journal.recorded}, {@code journal.dropped}, {@code journal.torn.records}, {@code journal.write.errors},
 *       gauges {@code journal.last.id}, {@code journal.segments}, {@code journal.machines}
 *   <li>{@code sse.subscribers} (registered by {@code AdminServer})
 * </ul>
 */
public final class BootlineMetrics {
  private BootlineMetrics() {}

  public static void bind(MeterRegistry registry, ProxyDhcpServer proxy) {
    proxy.bindMetrics(registry);
  }

  public static void bind(MeterRegistry registry, TftpServer tftp) {
    bind(registry, tftp.counters());
    Gauge.builder("bootline.tftp.transfers.active", tftp, TftpServer::activeTransfers)
        .description("TFTP transfers in progress").register(registry);
  }

  /** Maps {@link TftpCounters} keys to series; see the class comment. */
  static void bind(MeterRegistry registry, TftpCounters counters) {
    counters.watch((key, adder) -> tftpCounter(key, adder).register(registry));
  }

  private static FunctionCounter.Builder<LongAdder> tftpCounter(String key, LongAdder adder) {
    int dot = key.indexOf('.');
    String head = dot < 0 ? key : key.substring(0, dot);
    String rest = dot < 0 ? "" : key.substring(dot + 1);
    String packets = "bootline.tftp.packets";
    return switch (head) {
      case "requests" -> fc("bootline.tftp.packets.received", adder, "TFTP requests received on the listening port");
      case "refused", "malformed" -> fc(packets, adder, "TFTP datagrams not served, by result and reason")
          .tags("result", head, "reason", rest);
      case "duplicate_request", "unknown_tid" -> fc(packets, adder, "TFTP datagrams not served, by result and reason")
          .tags("result", "dropped", "reason", key);
      case "unexpected" -> fc(packets, adder, "TFTP datagrams not served, by result and reason")
          .tags("result", "dropped", "reason", "unexpected_" + rest);
      case "send_error" -> fc(packets, adder, "TFTP datagrams not served, by result and reason")
          .tags("result", "send_failed", "reason", "io");
      case "transfers" -> fc("bootline.tftp.transfers", adder, "TFTP transfers by result").tags("result", rest);
      case "failed" -> fc("bootline.tftp.transfer.failures", adder, "failed TFTP transfers by reason")
          .tags("reason", rest);
      case "bytes" -> fc("bootline.tftp.bytes", adder, "TFTP file bytes sent").baseUnit("bytes");
      default -> fc("bootline.tftp.errors", adder, "TFTP server errors").tags("where", head, "reason", rest);
    };
  }

  private static FunctionCounter.Builder<LongAdder> fc(String name, LongAdder adder, String description) {
    return FunctionCounter.builder(name, adder, LongAdder::sum).description(description);
  }

  public static void bind(MeterRegistry registry, BootHttpServer http) {
    for (String result : new String[] {"complete", "error", "not_found"}) {
      FunctionCounter.builder("bootline.http.fetches", http, h -> h.fetchesByResult().get(result))
          .tags("result", result).description("HTTP file fetches that ended, by result").register(registry);
    }
    FunctionCounter.builder("bootline.http.bytes", http, BootHttpServer::bytesSent)
        .baseUnit("bytes").description("HTTP file body bytes sent (counted when a fetch ends)").register(registry);
    Gauge.builder("bootline.http.fetches.active", http, BootHttpServer::activeFetches)
        .description("HTTP file fetches in progress").register(registry);
  }

  public static void bind(MeterRegistry registry, EventLog log) {
    Map<String, Counter> byName = new ConcurrentHashMap<>();
    log.onRecorded(e -> byName.computeIfAbsent(e.name(), n -> Counter.builder("bootline.events").tag("name", n)
        .description("events the journal accepted, by name (boot stage transitions and the rest)")
        .register(registry)).increment());
    journalCounter(registry, log, "recorded", EventLogStats::recorded, "events accepted since open");
    journalCounter(registry, log, "dropped", EventLogStats::dropped, "events not journaled: the writer was behind");
    journalCounter(registry, log, "torn.records", EventLogStats::tornRecordsOnOpen,
        "torn or invalid journal records skipped when the journal was opened");
    journalCounter(registry, log, "write.errors", EventLogStats::writeErrors, "journal write or fsync failures");
    journalGauge(registry, log, "last.id", EventLogStats::lastWrittenId, "newest event id written to the journal");
    journalGauge(registry, log, "segments", EventLogStats::segments, "journal segment files on disk");
    journalGauge(registry, log, "machines", EventLogStats::machines, "machines with a timeline in memory");
  }

  private static void journalCounter(
      MeterRegistry registry, EventLog log, String name, ToDoubleFunction<EventLogStats> f, String description) {
    FunctionCounter.builder("bootline.journal." + name, log, l -> f.applyAsDouble(l.stats()))
        .description(description).register(registry);
  }

  private static void journalGauge(
      MeterRegistry registry, EventLog log, String name, ToDoubleFunction<EventLogStats> f, String description) {
    Gauge.builder("bootline.journal." + name, log, l -> f.applyAsDouble(l.stats()))
        .description(description).register(registry);
  }
}
