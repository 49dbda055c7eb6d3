package dev.bootline.tftp;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counters, keyed by stable labels: {@code requests}, {@code refused.<reason>}, {@code
 * malformed.<reason>}, {@code transfers.started|completed|declined|failed}, {@code failed.<reason>}, {@code bytes}.
 */
public final class TftpCounters {
  private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();

  void add(String key, long n) {
    counters.computeIfAbsent(key, k -> new LongAdder()).add(n);
  }

  void increment(String key) {
    add(key, 1);
  }

  public long get(String key) {
    LongAdder a = counters.get(key);
    return a == null ? 0 : a.sum();
  }

  /** A sorted copy of every counter. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counters.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
