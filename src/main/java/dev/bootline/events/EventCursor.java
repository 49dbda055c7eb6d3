package dev.bootline.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscriber's position in the event stream, pulled by the subscriber's own thread (an SSE handler loop, typically
 * on a virtual thread):
 *
 * <pre>{@code
 * try (EventCursor cursor = log.subscribe(lastEventId)) {
 *   while (!cursor.isClosed()) {
 *     List<BootEvent> batch = cursor.poll(256, Duration.ofSeconds(15));
 *     if (batch.isEmpty()) sendHeartbeat(); else for (BootEvent e : batch) send(e); // "id: " + e.id()
 *   }
 * } catch (EventsExpiredException e) { ... resume from e.resumeAfterId() after a fresh snapshot ... }
 * }</pre>
 *
 * Events come in id order, each exactly once. Events in the log's in-memory window are copied from it; a cursor that
 * has fallen behind the window reads the journal files instead (on the calling thread), so a slow subscriber neither
 * holds memory nor slows recording. Not thread-safe: one thread polls a cursor.
 */
public final class EventCursor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventCursor.class);

  private final EventLog log;
  private long lastDeliveredId;
  private boolean closed;
  private SegmentReader reader;
  private long readerFirstId;

  EventCursor(EventLog log, long afterId) {
    this.log = log;
    this.lastDeliveredId = afterId;
  }

  /** Id of the last event this cursor returned (or the {@code afterId} it started from): an SSE Last-Event-ID. */
  public long lastDeliveredId() {
    return lastDeliveredId;
  }

  /**
   * True once this cursor was closed, or the log was closed and every event it wrote has been returned. Polling a
   * closed cursor returns an empty list at once.
   */
  public boolean isClosed() {
    if (closed) {
      return true;
    }
    log.stateLock.lock();
    try {
      return log.closed && lastDeliveredId >= log.writtenId;
    } finally {
      log.stateLock.unlock();
    }
  }

  /**
   * Returns the next events (at most {@code max}, at least one unless the timeout passes or the cursor is closed),
   * waiting up to {@code timeout} for one to be written.
   *
   * @throws EventsExpiredException if retention deleted events this cursor still needs; the cursor is then closed
   * @throws UncheckedIOException if the journal cannot be read
   */
  public List<BootEvent> poll(int max, Duration timeout) throws InterruptedException, EventsExpiredException {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closed) {
      long next = lastDeliveredId + 1;
      long limit;
      log.stateLock.lock();
      try {
        while (next > log.writtenId) {
          if (log.closed) {
            return List.of();
          }
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            return List.of();
          }
          log.published.awaitNanos(remaining);
        }
        limit = Math.min(log.writtenId, next + max - 1);
        if (log.inRecentWindow(next)) {
          List<BootEvent> out = new ArrayList<>((int) (limit - next + 1));
          for (long id = next; id <= limit; id++) {
            BootEvent e = log.recentEvent(id);
            if (e != null) { // null only for ids lost to journal corruption found at open
              out.add(e);
            }
          }
          lastDeliveredId = limit;
          closeReader();
          if (!out.isEmpty()) {
            return out;
          }
          continue;
        }
      } finally {
        log.stateLock.unlock();
      }
      // Behind the in-memory window: read the journal, outside the lock.
      List<BootEvent> out = readJournal(next, limit, max);
      if (!out.isEmpty()) {
        lastDeliveredId = out.getLast().id();
        return out;
      }
      // Nothing readable in [next, limit]: a corrupt stretch found at open. Skip it rather than spin.
      LOG.warn("event journal has no readable events {}..{}; skipping them", next, limit);
      lastDeliveredId = limit;
    }
    return List.of();
  }

  private List<BootEvent> readJournal(long next, long limit, int max) throws EventsExpiredException {
    log.journalReads.incrementAndGet();
    List<BootEvent> out = new ArrayList<>(Math.min(max, 1024));
    try {
      if (reader == null) {
        Map.Entry<Long, Path> segment = log.segments.floorEntry(next);
        if (segment == null) {
          throw expired();
        }
        if (!openReader(segment)) {
          throw expired();
        }
      }
      while (out.size() < max) {
        long before = reader.position();
        BootEvent e = reader.next();
        if (e == null) {
          if (reader.torn() && reader.path().equals(log.segments.lastEntry().getValue())) {
            break; // the active segment's tail is being written: stop here
          }
          Map.Entry<Long, Path> following = log.segments.higherEntry(readerFirstId);
          if (following != null && following.getKey() > next && next < log.oldestId()) {
            // Retention deleted the segments between the one just read (still open) and the next one kept: that is
            // expiry, not a corrupt stretch to skip. Hand out what was read first; the next poll throws.
            if (!out.isEmpty()) {
              break;
            }
            throw expired();
          }
          if (following == null || following.getKey() > limit) {
            break;
          }
          closeReader();
          if (!openReader(following)) {
            throw expired();
          }
          continue;
        }
        if (e.id() < next) {
          continue;
        }
        if (e.id() > limit) {
          reader.rewind(before);
          break; // not published yet, or beyond what was asked: the next poll re-reads it
        }
        out.add(e);
        next = e.id() + 1;
      }
    } catch (IOException e) {
      closeReader();
      throw new UncheckedIOException("reading the event journal", e);
    }
    return out;
  }

  /** Opens a segment for reading; false if retention deleted it meanwhile. */
  private boolean openReader(Map.Entry<Long, Path> segment) throws IOException {
    try {
      reader = new SegmentReader(segment.getValue());
    } catch (NoSuchFileException gone) {
      return false;
    }
    readerFirstId = segment.getKey();
    reader.readHeader();
    return true;
  }

  private EventsExpiredException expired() {
    closeReader();
    closed = true;
    log.cursorsExpired.incrementAndGet();
    return new EventsExpiredException(lastDeliveredId, log.oldestId());
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only channel
      }
      reader = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    closeReader();
  }
}
