package dev.bootline.wire;

import java.util.function.Function;

/**
 * A one-entry memo for per-packet derived values that repeat packet after packet (the server's own address as text,
 * the broadcast destination's text, the server identifier option): {@link #get} computes only when the key differs
 * from the last one. Safe from any thread: the key and its value are published together; a race only recomputes.
 * Give it a non-capturing function (a method reference to a static method) so a hit allocates nothing.
 */
public final class LastValue<K, V> {
  private record Entry<K, V>(K key, V value) {}

  private final Function<K, V> compute;
  private volatile Entry<K, V> last;

  public LastValue(Function<K, V> compute) {
    this.compute = compute;
  }

  /** {@code compute(key)}, or the value kept for an equal key. */
  public V get(K key) {
    Entry<K, V> e = last;
    if (e == null || !e.key().equals(key)) {
      e = new Entry<>(key, compute.apply(key));
      last = e;
    }
    return e.value();
  }
}
