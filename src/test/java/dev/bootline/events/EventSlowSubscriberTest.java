package dev.bootline.events;

import static dev.bootline.events.EventTesting.ids;
import static dev.bootline.events.EventTesting.range;
import static dev.bootline.events.EventTesting.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A subscriber that cannot keep up neither slows recording nor loses events. */
class EventSlowSubscriberTest {
  private static final int EVENTS = 12_000;

  @TempDir Path stateDir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aSleepingSubscriberGetsEveryEventOnceInOrderWithoutHoldingBackRecording() throws Exception {
    // A small in-memory window so that the subscriber falls far behind it and must read the journal.
    EventLog.Options options = EventLog.Options.defaults().withRecentEvents(256).withSegments(256 * 1024, 100);
    try (EventLog log = EventLog.open(stateDir, Clock.systemUTC(), options)) {
      CountDownLatch wakeUp = new CountDownLatch(1);
      AtomicLong receivedWhileAsleep = new AtomicLong(-1);
      EventCursor cursor = log.subscribe(0);
      CompletableFuture<List<BootEvent>> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (cursor) {
                  List<BootEvent> got = new ArrayList<>(cursor.poll(1, Duration.ofSeconds(10)));
                  receivedWhileAsleep.set(got.size());
                  wakeUp.await(); // asleep, with one event taken, while everything else is recorded
                  while (got.size() < 2 * EVENTS) {
                    List<BootEvent> batch = cursor.poll(100, Duration.ofSeconds(10));
                    if (batch.isEmpty()) {
                      throw new AssertionError("stalled after id " + cursor.lastDeliveredId());
                    }
                    got.addAll(batch);
                    Thread.sleep(0, 200_000); // still slow after waking up
                  }
                  return got;
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              },
              r -> Thread.ofPlatform().start(r));

      // Phase 1: the subscriber is asleep for the whole of it.
      BootEvent last = null;
      for (int i = 0; i < EVENTS; i++) {
        last = log.record("52:54:00:00:00:" + String.format("%02x", i % 200), null, EventNames.HTTP_FETCH,
            Map.of("n", i), "http@:80");
        assertThat(last.journaled()).isTrue();
      }
      assertThat(log.awaitJournaled(last.id(), Duration.ofSeconds(30))).isTrue();
      // Every record() returned and every event is written while the subscriber still has at most one of them.
      assertThat(receivedWhileAsleep.get()).isLessThanOrEqualTo(1);
      assertThat(wakeUp.getCount()).isEqualTo(1);
      assertThat(log.stats().dropped()).isZero();

      // Phase 2: it wakes up and reads slowly while recording goes on at full speed.
      wakeUp.countDown();
      for (int i = 0; i < EVENTS; i++) {
        assertThat(log.record(null, null, "tick", Map.of("n", i), "test").journaled()).isTrue();
      }

      List<BootEvent> got = received.get(60, TimeUnit.SECONDS);
      assertThat(ids(got)).isEqualTo(range(1, 2 * EVENTS));
      assertThat(log.stats().journalReads()).as("caught up from the journal").isPositive();
      assertThat(log.stats().dropped()).isZero();
    }
  }

  @Test
  void manySubscribersAtDifferentPositionsAllSeeTheSameStream() throws Exception {
    EventLog.Options options = EventLog.Options.defaults().withRecentEvents(64).withSegments(4096, 1000);
    try (EventLog log = EventLog.open(stateDir, Clock.systemUTC(), options)) {
      List<EventCursor> cursors = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        if (i % 400 == 0) {
          cursors.add(log.subscribe(log.lastId()));
        }
        log.record("aa:bb:cc:dd:ee:ff", null, EventNames.HTTP_FETCH, Map.of("n", i), "http");
      }
      cursors.add(log.subscribe(0));
      for (EventCursor cursor : cursors) {
        long from = cursor.lastDeliveredId() + 1;
        assertThat(ids(readUntil(cursor, 2000))).isEqualTo(range(from, 2000));
        cursor.close();
      }
    }
  }
}
