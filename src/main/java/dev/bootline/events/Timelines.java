package dev.bootline.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-MAC timelines in memory, bounded four ways: events per machine, machines, events in total, and the estimated
 * bytes those events hold (an event's detail can carry up to 64 KiB of client-chosen text, e.g. an HTTP path, so a
 * count alone does not bound memory). The least recently seen machine is forgotten first; its events stay in the
 * journal. Not thread-safe: {@link EventLog} guards it with its state lock.
 */
final class Timelines {
  private static final class Machine {
    final String mac;
    final ArrayDeque<BootEvent> events = new ArrayDeque<>();
    long bytes;
    String ip;
    String stage;
    Instant firstSeen;
    long count;

    Machine(String mac) {
      this.mac = mac;
    }

    MachineSummary summary() {
      BootEvent last = events.peekLast();
      return new MachineSummary(mac, ip, stage, last, firstSeen, last.timestamp(), count);
    }
  }

  private final int maxMachines;
  private final int eventsPerMachine;
  private final int maxEvents;
  private final long maxBytes;
  private final LinkedHashMap<String, Machine> machines = new LinkedHashMap<>(); // least recently seen first
  private long totalEvents;
  private long totalBytes;
  private long machinesForgotten;

  /** Default byte budget: a few times what 4,096 machines with ordinary events need, far below a 128 MiB heap. */
  static final long DEFAULT_MAX_BYTES = 32L << 20;

  Timelines(int maxMachines, int eventsPerMachine, int maxEvents) {
    this(maxMachines, eventsPerMachine, maxEvents, DEFAULT_MAX_BYTES);
  }

  Timelines(int maxMachines, int eventsPerMachine, int maxEvents, long maxBytes) {
    this.maxMachines = maxMachines;
    this.eventsPerMachine = eventsPerMachine;
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  void add(BootEvent e) {
    if (e.mac() == null) {
      return;
    }
    Machine m = machines.get(e.mac());
    if (m == null) {
      m = new Machine(e.mac());
      m.firstSeen = e.timestamp();
    }
    machines.putLast(e.mac(), m); // moves a known machine to most recently seen in place (no new map node)
    m.events.addLast(e);
    long size = estimatedBytes(e);
    m.bytes += size;
    totalBytes += size;
    m.count++;
    totalEvents++;
    // one machine may use at most a quarter of the byte budget, and always keeps its newest event
    while (m.events.size() > eventsPerMachine || (m.events.size() > 1 && m.bytes > maxBytes / 4)) {
      long gone = estimatedBytes(m.events.removeFirst());
      m.bytes -= gone;
      totalBytes -= gone;
      totalEvents--;
    }
    if (e.ip() != null) {
      m.ip = e.ip();
    }
    if (EventNames.STAGES.contains(e.name())) {
      m.stage = e.name();
    }
    Iterator<Machine> eldest = machines.values().iterator();
    while ((machines.size() > maxMachines || totalEvents > maxEvents || totalBytes > maxBytes) && machines.size() > 1) {
      Machine gone = eldest.next();
      totalEvents -= gone.events.size();
      totalBytes -= gone.bytes;
      machinesForgotten++;
      eldest.remove();
    }
  }

  Map<String, MachineSummary> summaries() {
    LinkedHashMap<String, MachineSummary> out = LinkedHashMap.newLinkedHashMap(machines.size());
    for (Machine m : machines.values()) {
      out.put(m.mac, m.summary());
    }
    return Collections.unmodifiableMap(out);
  }

  MachineSummary summary(String mac) {
    Machine m = machines.get(mac);
    return m == null ? null : m.summary();
  }

  List<BootEvent> events(String mac) {
    Machine m = machines.get(mac);
    return m == null ? List.of() : List.copyOf(m.events);
  }

  int machineCount() {
    return machines.size();
  }

  /** Events held in memory across all machines (at most maxEvents). */
  long eventCount() {
    return totalEvents;
  }

  /** Estimated bytes of the events held (at most maxBytes, unless one machine's single newest event is larger). */
  long estimatedBytes() {
    return totalBytes;
  }

  /**
   * A deterministic, deliberately generous estimate of what an event keeps reachable: object headers and references
   * plus two bytes per character (as if every string were UTF-16).
   */
  static long estimatedBytes(BootEvent e) {
    return 96 + text(e.mac()) + text(e.ip()) + text(e.name()) + text(e.server()) + value(e.detail());
  }

  private static long text(String s) {
    return s == null ? 0 : 48 + 2L * s.length();
  }

  private static long value(Object v) {
    return switch (v) {
      case null -> 0;
      case String s -> text(s);
      case Map<?, ?> m -> {
        long n = 64;
        for (Map.Entry<?, ?> x : m.entrySet()) {
          n += 48 + value(x.getKey()) + value(x.getValue());
        }
        yield n;
      }
      case List<?> l -> {
        long n = 48;
        for (Object x : l) {
          n += 8 + value(x);
        }
        yield n;
      }
      default -> 24 + (v instanceof CharSequence c ? 2L * c.length() : 0); // numbers, booleans
    };
  }

  long machinesForgotten() {
    return machinesForgotten;
  }
}
