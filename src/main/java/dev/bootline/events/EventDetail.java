package dev.bootline.events;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The detail map an event keeps in memory: the same ordered, unmodifiable, normalised values as {@link
 * JsonValues#normaliseMap}, held in one array instead of a LinkedHashMap (table, one node per entry, two view
 * wrappers), with repeated short strings (vendor class, reason, MAC) shared between events.
 *
 * <p>Why: every recorded event stays reachable for seconds to minutes (the subscribers' recent window, the
 * timelines), so each young collection copies every event recorded since the last one. Under a DHCP storm that copy
 * was the daemon's periodic 10–60 ms pause (the p99 of the DHCP benchmark); a LinkedHashMap detail was about half of
 * an event's ~1 KB and most of its objects. Equality, hash code, iteration order and toString are those of a Map.
 */
final class EventDetail extends AbstractMap<String, Object> {
  /** Larger maps (none today) keep the LinkedHashMap: the linear key lookups here are for a handful of keys. */
  private static final int MAX_COMPACT = 32;
  /** Strings longer than this are not shared (an URL, a long label: rarely repeated byte for byte). */
  private static final int MAX_SHARED_LENGTH = 160;
  /** Bounded: cleared when full, so a stream of unique values cannot grow it. */
  private static final int MAX_SHARED = 4096;
  private static final ConcurrentHashMap<String, String> SHARED = new ConcurrentHashMap<>();

  private final Object[] keysAndValues; // key0, value0, key1, value1, ...

  private EventDetail(Object[] keysAndValues) {
    this.keysAndValues = keysAndValues;
  }

  /** Normalises like {@link JsonValues#normaliseMap} (later duplicate keys overwrite in place) into a compact map. */
  static Map<String, Object> of(Map<?, ?> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    if (map instanceof EventDetail compact) {
      return compact;
    }
    if (map.size() > MAX_COMPACT) {
      return JsonValues.normaliseMap(map);
    }
    Object[] kv = new Object[map.size() * 2];
    int n = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = JsonValues.normalise(e.getValue());
      if (value instanceof String s) {
        value = shared(s);
      }
      int at = indexOf(kv, n, key);
      if (at >= 0) {
        kv[at + 1] = value;
      } else {
        kv[n++] = key;
        kv[n++] = value;
      }
    }
    return new EventDetail(n == kv.length ? kv : java.util.Arrays.copyOf(kv, n));
  }

  /** The one copy of a short string seen recently (events of the same boot repeat the same values). */
  static String shared(String s) {
    if (s == null || s.length() > MAX_SHARED_LENGTH) {
      return s;
    }
    String known = SHARED.get(s);
    if (known != null) {
      return known;
    }
    if (SHARED.size() >= MAX_SHARED) {
      SHARED.clear();
    }
    known = SHARED.putIfAbsent(s, s);
    return known != null ? known : s;
  }

  private static int indexOf(Object[] kv, int n, Object key) {
    for (int i = 0; i < n; i += 2) {
      if (kv[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int size() {
    return keysAndValues.length / 2;
  }

  @Override
  public boolean containsKey(Object key) {
    return key != null && indexOf(keysAndValues, keysAndValues.length, key) >= 0;
  }

  @Override
  public Object get(Object key) {
    int at = key == null ? -1 : indexOf(keysAndValues, keysAndValues.length, key);
    return at >= 0 ? keysAndValues[at + 1] : null;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keysAndValues.length / 2;
      }

      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < keysAndValues.length;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (i >= keysAndValues.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, Object> e =
                new AbstractMap.SimpleImmutableEntry<>((String) keysAndValues[i], keysAndValues[i + 1]);
            i += 2;
            return e;
          }
        };
      }
    };
  }
}
