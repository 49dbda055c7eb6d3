package dev.bootline.events;

import static dev.bootline.events.EventTesting.allEvents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.events.EventTesting.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of 10^5 different MACs (random-MAC garbage on a link) must not grow per-MAC state without bound: with the
 * daemon's default limits the in-memory timelines keep at most 4,096 machines, 500 events each and 200,000 in total,
 * and an estimated 32 MiB, forget the least recently seen machine first, and every event stays in the journal.
 */
class TimelinesFloodTest {
  static final int FLOOD = 100_000;
  static final EventLog.Options DEFAULTS = EventLog.Options.defaults();

  static String mac(int i) {
    return String.format("02:00:5e:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  }

  static BootEvent event(long id, String mac, String name) {
    return new BootEvent(id, Instant.EPOCH.plusMillis(id), mac, null, name, Map.of("n", id), "dhcp6@br0");
  }

  @Test
  void aHundredThousandMacsStayWithinTheDefaultBounds() {
    Timelines t = new Timelines(DEFAULTS.maxMachines(), DEFAULTS.eventsPerMachine(), DEFAULTS.maxTimelineEvents());
    String busy = "52:54:00:00:00:01"; // a real machine booting in a loop during the flood
    long id = 0;
    for (int i = 0; i < FLOOD; i++) {
      t.add(event(++id, mac(i), EventNames.FIRMWARE_INIT));
      t.add(event(++id, mac(i), EventNames.HTTP_FETCH));
      if (i % 10 == 0) {
        t.add(event(++id, busy, EventNames.TFTP_FETCH));
      }
      // the bounds hold at every step, not only at the end
      if (i % 997 == 0) {
        assertThat(t.machineCount()).isLessThanOrEqualTo(DEFAULTS.maxMachines());
        assertThat(t.eventCount()).isLessThanOrEqualTo(DEFAULTS.maxTimelineEvents());
      }
    }
    assertThat(t.machineCount()).isEqualTo(DEFAULTS.maxMachines());
    assertThat(t.eventCount()).isLessThanOrEqualTo(DEFAULTS.maxTimelineEvents());
    assertThat(t.estimatedBytes()).isLessThanOrEqualTo(Timelines.DEFAULT_MAX_BYTES);
    // the events counter agrees with what is held
    long held = t.summaries().keySet().stream().mapToLong(m -> t.events(m).size()).sum();
    assertThat(held).isEqualTo(t.eventCount());
    assertThat(t.machinesForgotten()).isEqualTo(FLOOD + 1 - DEFAULTS.maxMachines());
    // the busy machine was seen recently, so it is kept, with its timeline capped per machine
    assertThat(t.events(busy)).hasSize(DEFAULTS.eventsPerMachine());
    assertThat(t.summary(busy).eventCount()).isEqualTo(FLOOD / 10);
    // the oldest flood MACs are gone, the newest are there
    assertThat(t.summary(mac(0))).isNull();
    assertThat(t.events(mac(FLOOD - 1))).hasSize(2);
  }

  @Test
  void largeClientChosenDetailsAreBoundedInBytesNotOnlyInCount() {
    // e.g. HTTP requests for /mac/<random mac>/<8 KB path>: each event carries the path; 200,000 of them held by
    // count alone would be ~3 GB
    Timelines t = new Timelines(DEFAULTS.maxMachines(), DEFAULTS.eventsPerMachine(), DEFAULTS.maxTimelineEvents());
    String path = "x".repeat(8 * 1024);
    BootEvent sample = new BootEvent(1, Instant.EPOCH, mac(0), null, EventNames.HTTP_FETCH, Map.of("file", path), "http");
    assertThat(Timelines.estimatedBytes(sample)).as("the estimate counts the text").isGreaterThan(16 * 1024);
    for (int i = 0; i < FLOOD; i++) {
      t.add(new BootEvent(i + 1, Instant.EPOCH, mac(i), null, EventNames.HTTP_FETCH, Map.of("file", path), "http"));
      assertThat(t.estimatedBytes()).isLessThanOrEqualTo(Timelines.DEFAULT_MAX_BYTES);
    }
    assertThat(t.machineCount()).isBetween(1, DEFAULTS.maxMachines());
    long held = t.summaries().keySet().stream().flatMap(m -> t.events(m).stream()).mapToLong(Timelines::estimatedBytes).sum();
    assertThat(held).isEqualTo(t.estimatedBytes());
    // one machine sending big events keeps only what fits in its share, always its newest
    String loud = "52:54:00:00:00:02";
    for (int i = 0; i < 3000; i++) {
      t.add(new BootEvent(FLOOD + i + 1, Instant.EPOCH, loud, null, EventNames.HTTP_FETCH, Map.of("file", path, "i", i), "http"));
    }
    assertThat(t.events(loud)).isNotEmpty();
    assertThat(t.events(loud).getLast().detail().get("i")).isEqualTo(2999);
    assertThat(t.events(loud).stream().mapToLong(Timelines::estimatedBytes).sum()).isLessThanOrEqualTo(Timelines.DEFAULT_MAX_BYTES / 4);
    assertThat(t.estimatedBytes()).isLessThanOrEqualTo(Timelines.DEFAULT_MAX_BYTES);
  }

  @Test
  void floodedMachinesAgeOutOfMemoryButNotOutOfTheJournal(@TempDir Path dir) throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    // a longer handoff wait than the daemon's: this test is about memory bounds, not about a slow CI disk
    EventLog.Options options = DEFAULTS.withHandoff(65_536, Duration.ofSeconds(30));
    try (EventLog log = EventLog.open(dir, clock, options)) {
      BootEvent last = null;
      for (int i = 0; i < FLOOD; i++) {
        last = log.record(mac(i), null, EventNames.FIRMWARE_INIT, Map.of("arch", "x86-64 EFI"), "dhcp6@br0");
        assertThat(last.journaled()).isTrue();
      }
      assertThat(log.awaitJournaled(last.id(), Duration.ofSeconds(60))).isTrue();
      assertThat(log.machines().machines()).hasSize(DEFAULTS.maxMachines());
      assertThat(log.stats().machinesForgotten()).isEqualTo(FLOOD - DEFAULTS.maxMachines());
      assertThat(log.timeline(mac(0))).isEmpty();
      List<BootEvent> journal = allEvents(log);
      assertThat(journal).hasSize(FLOOD);
      Set<String> macs = new HashSet<>();
      journal.forEach(e -> macs.add(e.mac()));
      assertThat(macs).hasSize(FLOOD).contains(mac(0), mac(FLOOD - 1));
    }
  }
}
