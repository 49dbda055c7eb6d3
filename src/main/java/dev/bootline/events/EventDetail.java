package dev.bootline.events;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

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
  /**
   * Direct-mapped by hash: a slot holds the last string that hashed to it, so the table is bounded, a stream of unique
   * values (perfdhcp: a new MAC per packet) just overwrites slots, and a lookup is one array read and one equals — no
   * lock, no periodic clear of a full map (which, with unique MACs, ran every 4,096 events on the packet thread).
   * Racy on purpose: a lost or overwritten slot only means one string is not shared.
   */
  private static final int SHARED_SLOTS = 4096;
  private static final String[] SHARED = new String[SHARED_SLOTS];

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
    int h = s.hashCode();
    int slot = (h ^ (h >>> 16)) & (SHARED_SLOTS - 1);
    String known = SHARED[slot];
    if (known != null && known.equals(s)) {
      return known;
    }
    SHARED[slot] = s;
    return s;
  }

  private static int indexOf(Object[] kv, int n, Object key) {
    for (int i = 0; i < n; i += 2) {
      if (kv[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The i-th key and value in order (the journal writer walks them without an entry object each). */
  String keyAt(int i) {
    return (String) keysAndValues[2 * i];
  }

  Object valueAt(int i) {
    return keysAndValues[2 * i + 1];
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
