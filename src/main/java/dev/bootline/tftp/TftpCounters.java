package dev.bootline.tftp;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Thread-safe counters, keyed by stable labels: {@code requests}, {@code refused.<reason>}, {@code
 * malformed.<reason>}, {@code transfers.started|completed|declined|failed}, {@code failed.<reason>}, {@code bytes}.
 */
public final class TftpCounters {
  private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, LongAdder> onNewKey;

  void add(String key, long n) {
    LongAdder a = counters.get(key);
    if (a == null) {
      synchronized (this) { // a key's first appearance only: so watch() sees every key exactly once or more
        a = counters.computeIfAbsent(key, k -> {
          LongAdder fresh = new LongAdder();
          BiConsumer<String, LongAdder> hook = onNewKey;
          if (hook != null) {
            hook.accept(k, fresh);
          }
          return fresh;
        });
      }
    }
    a.add(n);
  }

  /**
   * Tells {@code hook} about every counter, the existing ones now and each new key when it first appears (metrics
   * bridges read the adder on scrape). A counter may be reported twice; the hook must be idempotent.
   */
  public synchronized void watch(BiConsumer<String, LongAdder> hook) {
    onNewKey = hook;
    counters.forEach(hook);
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
