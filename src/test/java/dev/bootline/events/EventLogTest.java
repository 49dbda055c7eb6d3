package dev.bootline.events;

import static dev.bootline.events.EventTesting.allEvents;
import static dev.bootline.events.EventTesting.ids;
import static dev.bootline.events.EventTesting.range;
import static dev.bootline.events.EventTesting.readUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.events.EventTesting.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String MAC_A = "52:54:00:00:00:0a";
  private static final String MAC_B = "52:54:00:00:00:0b";

  @TempDir Path stateDir;
  private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T10:00:00Z"));

  private EventLog open() throws IOException {
    return EventLog.open(stateDir, clock, EventLog.Options.defaults());
  }

  private EventLog open(EventLog.Options options) throws IOException {
    return EventLog.open(stateDir, clock, options);
  }

  @Test
  void recordAssignsIncreasingIdsAndBuildsTimelinesAndSnapshot() throws Exception {
    try (EventLog log = open()) {
      BootEvent first = log.record("52-54-00-00-00-0A", null, EventNames.FIRMWARE_INIT,
          Map.of("arch", "x86-64 EFI"), "dhcp4@br0");
      clock.advance(Duration.ofSeconds(1));
      BootEvent second = log.record(MAC_A, "192.0.2.10", EventNames.POINT_PXE_TO_IPXE_OVER_TFTP, null, "dhcp4@br0");
      clock.advance(Duration.ofSeconds(1));
      BootEvent fetch = log.record(MAC_A, null, EventNames.TFTP_FETCH, Map.of("file", "ipxe.efi"), "tftp@br0");
      BootEvent other = log.record(MAC_B, "2001:db8::b", EventNames.HTTP_BOOT, null, "dhcp6@br0");
      BootEvent global = log.record(null, null, "server_started", null, "bootline");

      assertThat(ids(List.of(first, second, fetch, other, global))).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(first.mac()).isEqualTo(MAC_A);
      assertThat(log.awaitJournaled(5, WAIT)).isTrue();

      assertThat(log.timeline(MAC_A)).containsExactly(first, second, fetch);
      assertThat(log.timeline("52:54:00:00:00:0B")).containsExactly(other);

      MachinesSnapshot snapshot = log.machines();
      assertThat(snapshot.lastEventId()).isEqualTo(5);
      assertThat(snapshot.machines().keySet()).containsExactly(MAC_A, MAC_B);
      MachineSummary a = snapshot.machines().get(MAC_A);
      // A fetch is a detail of the stage, not a new stage; the IP is the last one seen.
      assertThat(a.stage()).isEqualTo(EventNames.POINT_PXE_TO_IPXE_OVER_TFTP);
      assertThat(a.lastEvent()).isEqualTo(fetch);
      assertThat(a.ip()).isEqualTo("192.0.2.10");
      assertThat(a.firstSeen()).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
      assertThat(a.lastSeen()).isEqualTo(Instant.parse("2025-03-01T10:00:02Z"));
      assertThat(a.eventCount()).isEqualTo(3);
      assertThat(log.machine(MAC_B)).hasValueSatisfying(b -> assertThat(b.stage()).isEqualTo(EventNames.HTTP_BOOT));
      assertThat(log.machine("52:54:00:00:00:99")).isEmpty();
      assertThat(log.timeline("52:54:00:00:00:99")).isEmpty();
    }
  }

  @Test
  void rejectsSomethingThatIsNotAMac() throws Exception {
    try (EventLog log = open()) {
      assertThatThrownBy(() -> log.record("not-a-mac", null, EventNames.INIT, null, "x"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(BootEvent.normaliseMac("5254.0000.000A")).isEqualTo(MAC_A);
      assertThat(BootEvent.normaliseMac("525400 00000a".replace(" ", ""))).isEqualTo(MAC_A);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> BootEvent.normaliseMac("\uff15254.0000.000a"))
          .isInstanceOf(IllegalArgumentException.class); // a fullwidth digit is not hex
    }
  }

  @Test
  void reopenReplaysEveryEventAndContinuesIds() throws Exception {
    List<BootEvent> before = new ArrayList<>();
    try (EventLog log = open()) {
      for (int i = 0; i < 100; i++) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("n", i);
        detail.put("big", 1L << 40);
        detail.put("ratio", 0.5);
        detail.put("ok", i % 2 == 0);
        detail.put("path", Path.of("/srv/tftp/ipxe.efi")); // not JSON: kept as its string
        detail.put("list", List.of(1, "two"));
        before.add(log.record(i % 2 == 0 ? MAC_A : MAC_B, null, EventNames.HTTP_FETCH, detail, "http@:80"));
        clock.advance(Duration.ofMillis(10));
      }
    }
    try (EventLog log = open()) {
      assertThat(log.lastId()).isEqualTo(100);
      List<BootEvent> replayed = allEvents(log);
      // Equal field by field, detail included (normalised the way the journal reads it back), key order kept.
      assertThat(replayed).containsExactlyElementsOf(before);
      assertThat(replayed.getFirst().detail().keySet()).containsExactly("n", "big", "ratio", "ok", "path", "list");
      assertThat(replayed.getFirst().detail().get("path")).isEqualTo("/srv/tftp/ipxe.efi");
      assertThat(log.timeline(MAC_A)).hasSize(50);
      assertThat(log.machines().machines()).containsOnlyKeys(MAC_A, MAC_B);

      BootEvent next = log.record(MAC_A, null, EventNames.OS_INIT, null, "http@:80");
      assertThat(next.id()).isEqualTo(101);
    }
    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 101));
    }
  }

  @Test
  void subscribeAfterReopenResumesExactlyAfterTheGivenId() throws Exception {
    try (EventLog log = open()) {
      for (int i = 0; i < 50; i++) {
        log.record(MAC_A, null, EventNames.HTTP_FETCH, Map.of("n", i), "http");
      }
    }
    try (EventLog log = open();
        EventCursor cursor = log.subscribe(30)) {
      assertThat(ids(readUntil(cursor, 50))).isEqualTo(range(31, 50));
      for (int i = 0; i < 10; i++) {
        log.record(MAC_B, null, EventNames.HTTP_FETCH, null, "http");
      }
      assertThat(ids(readUntil(cursor, 60))).isEqualTo(range(51, 60));
      assertThat(cursor.poll(10, Duration.ofMillis(20))).isEmpty();
    }
  }

  @Test
  void concurrentRecordersGetDistinctContiguousIdsJournaledInIdOrder() throws Exception {
    try (EventLog log = open()) {
      List<Thread> threads = new ArrayList<>();
      List<List<BootEvent>> perThread = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<BootEvent> mine = new ArrayList<>();
        perThread.add(mine);
        String mac = "52:54:00:00:01:0" + t;
        threads.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < 2000; i++) {
            mine.add(log.record(mac, null, EventNames.HTTP_FETCH, Map.of("i", i), "http"));
          }
        }));
      }
      for (Thread t : threads) {
        t.join();
      }
      List<Long> returned = perThread.stream().flatMap(List::stream).map(BootEvent::id).sorted().toList();
      assertThat(returned).isEqualTo(range(1, 8000));
      log.awaitJournaled(8000, WAIT);
      List<BootEvent> journal = allEvents(log);
      assertThat(ids(journal)).isEqualTo(range(1, 8000));
      for (List<BootEvent> mine : perThread) {
        // Each thread's events keep their order, and the timeline holds that machine's last 500.
        assertThat(journal).containsSubsequence(mine);
        assertThat(log.timeline(mine.getFirst().mac())).isEqualTo(mine.subList(1500, 2000));
      }
    }
  }

  @Test
  void anAfterIdNewerThanTheJournalMeansFromNow() throws Exception {
    try (EventLog log = open()) {
      for (int i = 0; i < 5; i++) {
        log.record(MAC_A, null, EventNames.HTTP_FETCH, null, "http");
      }
      log.awaitJournaled(5, WAIT);
      // A browser still holding Last-Event-ID from a journal that has since been wiped.
      try (EventCursor cursor = log.subscribe(1_000_000)) {
        assertThat(cursor.lastDeliveredId()).isEqualTo(5);
        log.record(MAC_A, null, EventNames.OS_INIT, null, "http");
        assertThat(ids(readUntil(cursor, 6))).containsExactly(6L);
      }
    }
  }

  @Test
  void snapshotThenSubscribeHasNoGapAndNoDuplicate() throws Exception {
    try (EventLog log = open()) {
      Thread recorder =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 2000; i++) {
                      log.record(i % 3 == 0 ? MAC_A : MAC_B, null, EventNames.HTTP_FETCH, null, "http");
                    }
                  });
      MachinesSnapshot snapshot = log.machines(); // taken while events keep arriving
      long counted = snapshot.machines().values().stream().mapToLong(MachineSummary::eventCount).sum();
      assertThat(counted).isEqualTo(snapshot.lastEventId());
      recorder.join();
      try (EventCursor cursor = log.subscribe(snapshot.lastEventId())) {
        assertThat(ids(readUntil(cursor, 2000))).isEqualTo(range(snapshot.lastEventId() + 1, 2000));
      }
    }
  }

  @Test
  void timelinesAreBoundedPerMachineAndInMachines() throws Exception {
    EventLog.Options options = EventLog.Options.defaults().withTimelines(3, 5, 1000);
    try (EventLog log = open(options)) {
      BootEvent last = null;
      for (int m = 1; m <= 5; m++) {
        for (int i = 0; i < 8; i++) {
          last = log.record("52:54:00:00:00:0" + m, null, EventNames.HTTP_FETCH, Map.of("i", i), "http");
        }
      }
      // MAC 1 shows up again: it is now the most recently seen.
      last = log.record("52:54:00:00:00:01", null, EventNames.OS_INIT, null, "http");
      log.awaitJournaled(last.id(), WAIT);

      assertThat(log.machines().machines().keySet())
          .containsExactly("52:54:00:00:00:04", "52:54:00:00:00:05", "52:54:00:00:00:01");
      List<BootEvent> five = log.timeline("52:54:00:00:00:05");
      assertThat(five).hasSize(5);
      assertThat(five.stream().map(e -> e.detail().get("i")).toList()).containsExactly(3, 4, 5, 6, 7);
      assertThat(log.timeline("52:54:00:00:00:01")).containsExactly(last); // it was forgotten, then seen anew
      assertThat(log.stats().machinesForgotten()).isEqualTo(3);
      // Still in the journal.
      assertThat(allEvents(log)).hasSize(41);
    }
  }

  @Test
  void retentionKeepsAtMostMaxSegmentsAndExpiresCursorsThatNeedDeletedEvents() throws Exception {
    EventLog.Options options = EventLog.Options.defaults().withSegments(2048, 3).withRecentEvents(16);
    try (EventLog log = open(options)) {
      for (int i = 0; i < 500; i++) {
        log.record(MAC_A, null, EventNames.HTTP_FETCH, Map.of("file", "kernel-" + i), "http");
      }
      log.awaitJournaled(500, WAIT);
      assertThat(segmentFiles()).hasSize(3);
      assertThat(log.stats().segmentsDeleted()).isPositive();
      long oldest = log.oldestId();
      assertThat(oldest).isGreaterThan(1);

      EventCursor tooOld = log.subscribe(0);
      assertThatThrownBy(() -> tooOld.poll(10, WAIT))
          .isInstanceOfSatisfying(
              EventsExpiredException.class,
              e -> {
                assertThat(e.lastDeliveredId()).isZero();
                assertThat(e.oldestAvailableId()).isEqualTo(oldest);
                assertThat(e).hasMessageContaining("resume from id " + oldest);
              });
      assertThat(tooOld.isClosed()).isTrue();

      try (EventCursor resumed = log.subscribe(oldest - 1)) {
        assertThat(ids(readUntil(resumed, 500))).isEqualTo(range(oldest, 500));
      }
    }
    try (EventLog log = open(options)) {
      assertThat(log.lastId()).isEqualTo(500);
      assertThat(log.record(MAC_A, null, EventNames.OS_INIT, null, "x").id()).isEqualTo(501);
    }
  }

  @Test
  void aFullHandoffMakesRecordGiveUpBrieflyCountedAndReportedInTheJournal() throws Exception {
    EventLog.Options options = EventLog.Options.defaults().withHandoff(4, Duration.ofMillis(5));
    try (EventLog log = open(options)) {
      CountDownLatch hold = new CountDownLatch(1);
      log.writerHold = hold; // the writer stalls as if the disk hung
      List<BootEvent> returned = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        returned.add(log.record(MAC_A, null, EventNames.HTTP_FETCH, Map.of("i", i), "http"));
      }
      List<BootEvent> journaled = returned.stream().filter(BootEvent::journaled).toList();
      long notJournaled = returned.size() - journaled.size();
      // At most the queue plus the one event the writer holds got through; every other call gave up and said so.
      assertThat(journaled.size()).isLessThanOrEqualTo(5);
      assertThat(log.stats().dropped()).isEqualTo(notJournaled).isGreaterThanOrEqualTo(15);
      assertThat(log.stats().handoffWaits()).isGreaterThanOrEqualTo(notJournaled);
      assertThat(ids(journaled)).isEqualTo(range(1, journaled.size())); // no id wasted on a dropped event

      log.writerHold = null;
      hold.countDown();
      long noticeId = journaled.size() + 1;
      assertThat(log.awaitJournaled(noticeId, WAIT)).isTrue();
      List<BootEvent> all = allEvents(log);
      assertThat(all.subList(0, journaled.size())).isEqualTo(journaled);
      BootEvent notice = all.get(journaled.size());
      assertThat(notice.name()).isEqualTo(EventNames.EVENTS_DROPPED);
      assertThat(notice.detail()).containsEntry("count", (int) notJournaled);
    }
  }

  @Test
  void anOversizedDetailIsJournaledAsItsSize() throws Exception {
    try (EventLog log = open()) {
      BootEvent big = log.record(MAC_A, null, EventNames.HTTP_FETCH, Map.of("blob", "x".repeat(100_000)), "http");
      log.awaitJournaled(big.id(), WAIT);
      BootEvent journaled = allEvents(log).getFirst();
      assertThat(journaled.name()).isEqualTo(EventNames.HTTP_FETCH);
      assertThat(journaled.detail()).containsOnlyKeys("detail_too_large_bytes");
      assertThat(log.timeline(MAC_A)).containsExactly(journaled); // memory shows what the journal has
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() throws Exception {
    try (EventLog log = open()) {
      assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("already open");
      assertThat(log.record(MAC_A, null, EventNames.INIT, null, "x").journaled()).isTrue(); // the first still works
    }
    try (EventLog again = open()) {
      assertThat(again.lastId()).isEqualTo(1);
    }
  }

  @Test
  void closeWritesEverythingAndEndsCursors() throws Exception {
    EventLog log = open();
    EventCursor cursor = log.subscribe(0);
    for (int i = 0; i < 1000; i++) {
      log.record(MAC_A, null, EventNames.HTTP_FETCH, null, "http");
    }
    log.close();
    assertThat(ids(readUntil(cursor, 1000))).isEqualTo(range(1, 1000));
    assertThat(cursor.isClosed()).isTrue();
    assertThat(cursor.poll(10, WAIT)).isEmpty(); // returns at once, does not wait out the timeout

    BootEvent late = log.record(MAC_A, null, EventNames.OS_INIT, null, "http");
    assertThat(late.journaled()).isFalse();
    assertThat(log.stats().rejectedAfterClose()).isEqualTo(1);
    try (EventLog reopened = open()) {
      assertThat(reopened.lastId()).isEqualTo(1000);
    }
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(stateDir.resolve("events"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
    }
  }
}
