package dev.bootline.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers for the events tests. */
final class EventTesting {
  private EventTesting() {}

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Polls until the cursor has returned the event with {@code lastId}; fails if it stalls for 10 s. */
  static List<BootEvent> readUntil(EventCursor cursor, long lastId) throws Exception {
    List<BootEvent> out = new ArrayList<>();
    while (cursor.lastDeliveredId() < lastId) {
      List<BootEvent> batch = cursor.poll(1000, Duration.ofSeconds(10));
      assertThat(batch).as("cursor stalled after id %d", cursor.lastDeliveredId()).isNotEmpty();
      out.addAll(batch);
    }
    return out;
  }

  /** Every event in the journal, by reopening it read-only-ish: opens, reads all, closes. */
  static List<BootEvent> allEvents(EventLog log) throws Exception {
    try (EventCursor cursor = log.subscribe(0)) {
      return readUntil(cursor, log.lastId());
    }
  }

  static List<Long> ids(List<BootEvent> events) {
    return events.stream().map(BootEvent::id).toList();
  }

  static List<Long> range(long from, long toInclusive) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= toInclusive; i++) {
      out.add(i);
    }
    return out;
  }
}
