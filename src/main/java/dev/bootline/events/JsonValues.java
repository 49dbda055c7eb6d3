package dev.bootline.events;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises detail values to the types Jackson produces when it reads them back, so a live subscriber and one
 * replaying the journal see equal events: integers fitting an int become Integer, other integers Long, decimals
 * Double, non-finite decimals and unknown objects (enums, addresses, paths, durations) their {@code toString()}.
 */
final class JsonValues {
  private JsonValues() {}

  static Map<String, Object> normaliseMap(Map<?, ?> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, Object> out = LinkedHashMap.newLinkedHashMap(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.put(String.valueOf(e.getKey()), normalise(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  static Object normalise(Object value) {
    return switch (value) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Integer i -> i;
      case Short s -> (int) s;
      case Byte b -> (int) b;
      case Long l -> integer(l);
      case BigInteger big -> big.bitLength() < 64 ? integer(big.longValue()) : big;
      case Double d -> decimal(d);
      case Float f -> decimal(f.doubleValue());
      case BigDecimal big -> decimal(big.doubleValue());
      case Map<?, ?> m -> normaliseMap(m);
      case Collection<?> c -> normaliseList(c);
      case Object[] array -> normaliseList(List.of(array));
      default -> value.toString();
    };
  }

  private static List<Object> normaliseList(Collection<?> values) {
    List<Object> out = new ArrayList<>(values.size());
    for (Object v : values) {
      out.add(normalise(v));
    }
    return Collections.unmodifiableList(out);
  }

  private static Object integer(long l) {
    return l == (int) l ? (Object) (int) l : (Object) l;
  }

  private static Object decimal(double d) {
    return Double.isFinite(d) ? (Object) d : (Object) Double.toString(d);
  }
}
