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
}
