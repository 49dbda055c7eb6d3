package dev.bootline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compact in-memory detail must be indistinguishable from the LinkedHashMap {@link JsonValues} made. */
class EventDetailTest {

  private static Map<Object, Object> sample() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("arch", 7);
    m.put("interface", "br0");
    m.put("port", 67L);
    m.put("ratio", 1.5f);
    m.put("ok", true);
    m.put("none", null);
    m.put(42, "numeric key");
    m.put("nested", Map.of("a", 1L));
    m.put("list", List.of(1, "x"));
    m.put("reason", new StringBuilder("built ").append("per packet").toString());
    return m;
  }

  @Test
  void sameEntriesOrderEqualityAndTextAsTheNormalisedLinkedHashMap() {
    Map<String, Object> expected = JsonValues.normaliseMap(sample());
    Map<String, Object> compact = EventDetail.of(sample());
    assertEquals(expected, compact);
    assertEquals(compact, expected);
    assertEquals(expected.hashCode(), compact.hashCode());
    assertEquals(expected.toString(), compact.toString());
    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(compact.keySet()));
    assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(compact.values()));
    assertEquals(7, compact.get("arch"));
    assertEquals(67, compact.get("port")); // Long that fits an int, as Jackson reads it back
    assertTrue(compact.containsKey("none"));
    assertNull(compact.get("none"));
    assertFalse(compact.containsKey("absent"));
    java.time.Instant at = java.time.Instant.parse("2026-11-22T16:00:00Z");
    assertEquals( // the same journal bytes
        new String(JournalCodec.payload(new BootEvent(1, at, "02:00:00:00:00:01", null, "init", expected, "t"))),
        new String(JournalCodec.payload(new BootEvent(1, at, "02:00:00:00:00:01", null, "init", compact, "t"))));
  }

  @Test
  void aKeyThatRepeatsAsTextKeepsItsFirstPlaceAndTheLastValue() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(1, "first");
    m.put("b", "b");
    m.put("1", "second");
    assertEquals(JsonValues.normaliseMap(m), EventDetail.of(m));
    assertEquals(List.of("1", "b"), new ArrayList<>(EventDetail.of(m).keySet()));
  }

  @Test
  void unmodifiable() {
    Map<String, Object> compact = EventDetail.of(sample());
    assertThrows(UnsupportedOperationException.class, () -> compact.put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> compact.remove("arch"));
    assertThrows(UnsupportedOperationException.class, compact::clear);
    assertThrows(UnsupportedOperationException.class, () -> compact.entrySet().iterator().next().setValue(1));
  }

  @Test
  void repeatedShortStringsAreOneObject() {
    Object a = EventDetail.of(Map.of("reason", new String("chain to iPXE over TFTP"))).get("reason");
    Object b = EventDetail.of(Map.of("reason", new String("chain to iPXE over TFTP"))).get("reason");
    assertSame(a, b);
  }

  @Test
  void emptyAndNull() {
    assertEquals(Map.of(), EventDetail.of(null));
    assertEquals(Map.of(), EventDetail.of(Map.of()));
  }
}
