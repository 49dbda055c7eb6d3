package dev.bootline.events;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * [startup] The event sink the DHCP/TFTP servers get while the journal is still being opened (replayed after a
 * crash, on its own thread): instead of holding the packet thread in {@code record} until the replay is done (the
 * DHCPv6 Request after the first Advertise waited for it), an event is kept in memory with the time it happened, and
 * journaled — ids assigned, stage markers added, in the order recorded — as soon as the journal is open, before any
 * later event. From then on every call goes straight to {@link EventLog#record}.
 *
 * <p>What the crash-safety guarantees need: an event kept here has no id and has reached no subscriber (the admin
 * plane with SSE starts after the journal is open), so nothing acknowledged can be lost; ids stay monotonic because
 * they are assigned only by the opened log, after the replayed ones. At most {@link #MAX_PENDING} events are kept;
 * beyond that a caller waits for the journal as before. If the journal cannot be opened, the kept events are
 * dropped and callers get the open's failure, as before (the daemon does not start).
 */
public final class StartupEventSink implements EventSink {
  static final int MAX_PENDING = 4096;

  private record Pending(Instant at, String mac, String ip, String name, Map<String, Object> detail, String server) {}

  private final CompletableFuture<EventLog> opening;
  private final Clock clock;
  private final Object lock = new Object();
  private final List<Pending> pending = new ArrayList<>(); // guarded by lock
  private volatile EventLog log; // set, under lock, once the pending events are in it
  private boolean failed; // guarded by lock

  public StartupEventSink(CompletableFuture<EventLog> opening) {
    this(opening, Clock.systemUTC());
  }

  StartupEventSink(CompletableFuture<EventLog> opening, Clock clock) {
    this.opening = opening;
    this.clock = clock;
    opening.whenComplete(this::opened); // on the thread that opened it (or here, if it already has)
  }

  /**
   * Records through the open journal, or keeps the event until it is open. A kept event is returned with id {@link
   * BootEvent#NOT_JOURNALED} (its id is not known yet; it is journaled once the journal is open).
   */
  @Override
  public BootEvent record(String mac, String ip, String name, Map<String, ?> detail, String server) {
    EventLog open = log;
    if (open != null) {
      return open.record(mac, ip, name, detail, server);
    }
    Objects.requireNonNull(name, "name");
    String normalisedMac = EventDetail.shared(BootEvent.normaliseMac(mac)); // a bad MAC fails here, as in record
    synchronized (lock) {
      if (log == null && !failed && pending.size() < MAX_PENDING) {
        Pending p = new Pending(clock.instant(), normalisedMac, ip, name, EventDetail.of(detail), server);
        pending.add(p);
        return new BootEvent(BootEvent.NOT_JOURNALED, p.at(), p.mac(), ip, name, p.detail(), server);
      }
      boolean interrupted = false;
      while (log == null && !failed) { // full: wait for the journal like before, but after the kept events
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (failed) {
        return opening.join().record(mac, ip, name, detail, server); // throws the open's failure
      }
    }
    return log.record(mac, ip, name, detail, server);
  }

  /** Events kept for the journal right now (tests). */
  int pendingCount() {
    synchronized (lock) {
      return pending.size();
    }
  }

  private void opened(EventLog opened, Throwable failure) {
    synchronized (lock) {
      if (failure != null || opened == null) {
        failed = true;
        pending.clear();
      } else {
        for (Pending p : pending) {
          opened.recordAt(p.at(), p.mac(), p.ip(), p.name(), p.detail(), p.server());
        }
        pending.clear();
        log = opened;
      }
      lock.notifyAll();
    }
  }
}
