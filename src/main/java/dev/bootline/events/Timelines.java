package dev.bootline.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-MAC timelines in memory, bounded three ways: events per machine, machines, and events in total. The least
 * recently seen machine is forgotten first; its events stay in the journal. Not thread-safe: {@link EventLog} guards
 * it with its state lock.
 */
final class Timelines {
  private static final class Machine {
    final String mac;
    final ArrayDeque<BootEvent> events = new ArrayDeque<>();
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
  private final LinkedHashMap<String, Machine> machines = new LinkedHashMap<>(); // least recently seen first
  private long totalEvents;
  private long machinesForgotten;

  Timelines(int maxMachines, int eventsPerMachine, int maxEvents) {
    this.maxMachines = maxMachines;
    this.eventsPerMachine = eventsPerMachine;
    this.maxEvents = maxEvents;
  }

  void add(BootEvent e) {
    if (e.mac() == null) {
      return;
    }
    Machine m = machines.remove(e.mac()); // re-inserted below: moves it to most recently seen
    if (m == null) {
      m = new Machine(e.mac());
      m.firstSeen = e.timestamp();
    }
    machines.put(e.mac(), m);
    m.events.addLast(e);
    m.count++;
    totalEvents++;
    if (m.events.size() > eventsPerMachine) {
      m.events.removeFirst();
      totalEvents--;
    }
    if (e.ip() != null) {
      m.ip = e.ip();
    }
    if (EventNames.STAGES.contains(e.name())) {
      m.stage = e.name();
    }
    Iterator<Machine> eldest = machines.values().iterator();
    while ((machines.size() > maxMachines || totalEvents > maxEvents) && machines.size() > 1) {
      Machine gone = eldest.next();
      totalEvents -= gone.events.size();
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

  long machinesForgotten() {
    return machinesForgotten;
  }
}
