package dev.bootline.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JournalCodecTest {

  @Test
  void timestampIsInstantToStringForEveryFractionShape() {
    SplittableRandom random = new SplittableRandom(8);
    for (int i = 0; i < 200_000; i++) {
      long second = random.nextLong(-10_000_000_000L, 300_000_000_000L);
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(second, nano);
      assertThat(JournalCodec.timestamp(t)).isEqualTo(t.toString());
      Instant sameSecond = Instant.ofEpochSecond(second, random.nextInt(1_000_000_000));
      assertThat(JournalCodec.timestamp(sameSecond)).isEqualTo(sameSecond.toString());
    }
  }

  @Test
  void frameBufferHoldsTheSameBytesAsPayloadThenFrame() throws Exception {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("arch", 7);
    detail.put("interface", "eth0");
    detail.put("reason", "UEFI PXE: chain to iPXE");
    BootEvent a = new BootEvent(41, Instant.parse("2026-11-22T18:00:00.123456Z"), "02:00:00:00:00:01", null,
        "point_pxe_to_ipxe_over_tftp", EventDetail.of(detail), "proxy-dhcp");
    BootEvent b = new BootEvent(42, Instant.parse("2026-11-22T18:00:01Z"), "02:00:00:00:00:02", "192.0.2.7",
        "http_fetch", Map.of(), "http");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    JournalCodec.frame(JournalCodec.payload(a), expected);
    JournalCodec.frame(JournalCodec.payload(b), expected);

    JournalCodec.FrameBuffer buffer = new JournalCodec.FrameBuffer(16); // grows while encoding
    int lengthA = buffer.append(a);
    buffer.append(b);
    assertThat(buffer.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(lengthA).isEqualTo(JournalCodec.payload(a).length);

    buffer.truncate(JournalCodec.FRAME_HEADER + lengthA);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    JournalCodec.frame(JournalCodec.payload(a), first);
    assertThat(buffer.toByteArray()).isEqualTo(first.toByteArray());
  }

  private static String randomString(SplittableRandom random, boolean plain) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(40);
    for (int i = 0; i < n; i++) {
      if (plain || random.nextInt(8) != 0) {
        b.append((char) random.nextInt(0x20, 0x7F)); // printable ASCII, including '"' and '\\' now and then
      } else {
        b.append(
            switch (random.nextInt(6)) {
              case 0 -> (char) random.nextInt(0x20); // control characters: \n, \t, \\u0001 ...
              case 1 -> (char) random.nextInt(0x7F, 0x800);
              case 2 -> "\uD83D\uDE80"; // a surrogate pair
              case 3 -> (char) random.nextInt(0x800, 0xD800);
              case 4 -> "\u2028";
              default -> '"';
            });
      }
    }
    return b.toString();
  }

  private static Object randomValue(SplittableRandom random, boolean plain, int depth) {
    return switch (random.nextInt(depth > 2 ? 7 : 9)) {
      case 0 -> null;
      case 1, 2 -> randomString(random, plain && random.nextInt(20) != 0);
      case 3 -> random.nextInt();
      case 4 -> random.nextLong();
      case 5 -> random.nextBoolean();
      case 6 -> plain ? random.nextInt(1000) : random.nextDouble() * random.nextInt(-5, 5); // decimals: Jackson's
      case 7 -> {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          m.put(randomString(random, plain), randomValue(random, plain, depth + 1));
        }
        yield m;
      }
      default -> {
        java.util.List<Object> list = new java.util.ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          list.add(randomValue(random, plain, depth + 1));
        }
        yield list;
      }
    };
  }

  /** The plain-ASCII writer and the Jackson fallback give exactly Jackson's frames for many random events. */
  @Test
  void frameBufferMatchesJacksonOnManyRandomEvents() throws Exception {
    SplittableRandom random = new SplittableRandom(8);
    JournalCodec.FrameBuffer buffer = new JournalCodec.FrameBuffer(64);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    int plainEvents = 0;
    int written = 0;
    for (int i = 0; i < 50_000; i++) {
      boolean plain = random.nextInt(3) != 0;
      Map<String, Object> detail = new LinkedHashMap<>();
      int n = random.nextInt(6);
      for (int k = 0; k < n; k++) {
        detail.put(random.nextInt(4) == 0 ? randomString(random, plain) : "key" + k, randomValue(random, plain, 0));
      }
      long id = switch (random.nextInt(5)) {
        case 0 -> random.nextLong();
        case 1 -> Long.MIN_VALUE + random.nextInt(2);
        default -> random.nextLong(1, 10_000_000_000L);
      };
      Instant at = Instant.ofEpochSecond(
          random.nextInt(10) == 0 ? random.nextLong(-10_000_000_000L, 300_000_000_000L)
              : 1_795_000_000L + i / 100,
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          });
      String mac = random.nextInt(5) == 0 ? null : BootEvent.normaliseMac(Long.toHexString(random.nextLong() >>> 16 | 1L << 44));
      String ip = random.nextInt(3) == 0 ? null : randomString(random, plain);
      String server = random.nextInt(10) == 0 ? null : randomString(random, plain);
      Map<String, Object> kept = random.nextBoolean() ? EventDetail.of(detail) : JsonValues.normaliseMap(detail);
      BootEvent e = new BootEvent(id, at, mac, ip, "name" + randomString(random, plain), kept, server);

      JournalCodec.FrameBuffer probe = new JournalCodec.FrameBuffer(16);
      if (probe.writePlain(e)) {
        plainEvents++;
      }
      buffer.append(e);
      JournalCodec.frame(JournalCodec.payload(e), expected);
      written++;
      if (written % 100 == 0) { // compare and start over now and then, so a mismatch is found near its event
        assertThat(buffer.toByteArray()).as("frames up to event %d", i).isEqualTo(expected.toByteArray());
        buffer.reset();
        expected.reset();
      }
    }
    assertThat(buffer.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(plainEvents).as("events written without Jackson").isBetween(3_000, 45_000); // both paths well exercised
  }

  /** A DHCP event's shape takes the plain path. */
  @Test
  void aProxyOfferIsWrittenWithoutJackson() {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("arch", 7);
    detail.put("interface", "eth0");
    detail.put("port", 4011);
    detail.put("reason", "UEFI PXE: chain to iPXE");
    detail.put("repeat_event", true);
    BootEvent e = new BootEvent(41, Instant.parse("2026-11-22T18:00:00.123456Z"), "02:00:00:00:00:01",
        "192.0.2.7", "point_pxe_to_ipxe_over_tftp", EventDetail.of(detail), "proxy-dhcp");
    JournalCodec.FrameBuffer buffer = new JournalCodec.FrameBuffer(16);
    assertThat(buffer.writePlain(e)).isTrue();
    assertThat(buffer.toByteArray()).isEqualTo(JournalCodec.payload(e));
  }
}
