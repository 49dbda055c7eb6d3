package dev.bootline.events;

import static dev.bootline.events.EventTesting.allEvents;
import static dev.bootline.events.EventTesting.ids;
import static dev.bootline.events.EventTesting.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crash leaves on disk: a torn last record, garbage after it, a half-created segment. */
class EventJournalRecoveryTest {
  private static final String MAC = "52:54:00:12:34:56";

  @TempDir Path stateDir;

  private EventLog open() throws IOException {
    return EventLog.open(stateDir, Clock.systemUTC(), EventLog.Options.defaults());
  }

  private void recordEvents(int count) throws Exception {
    try (EventLog log = open()) {
      for (int i = 0; i < count; i++) {
        log.record(MAC, "2001:db8::1", EventNames.HTTP_FETCH, Map.of("file", "vmlinuz", "n", i), "http@:80");
      }
    }
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> files = Files.list(stateDir.resolve("events"))) {
      List<Path> segments = files.filter(p -> p.toString().endsWith(".journal")).toList();
      assertThat(segments).hasSize(1);
      return segments.getFirst();
    }
  }

  /** Byte offset where the last frame starts, found by walking the length fields. */
  private static long lastFrameStart(Path segment) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int at = JournalCodec.SEGMENT_MAGIC.length;
    int last = at;
    while (at < bytes.length) {
      last = at;
      at += JournalCodec.FRAME_HEADER + buffer.getInt(at);
    }
    assertThat(at).isEqualTo(bytes.length);
    return last;
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.APPEND);
  }

  @Test
  void aRecordCutInTheMiddleIsSkippedAndCutOffBeforeNewAppends() throws Exception {
    recordEvents(10);
    Path segment = onlySegment();
    long start = lastFrameStart(segment);
    long end = Files.size(segment);
    truncate(segment, start + (end - start) / 2);

    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 9));
      assertThat(log.stats().tornRecordsOnOpen()).isEqualTo(1);
      assertThat(log.stats().bytesTruncatedOnOpen()).isEqualTo((end - start) / 2);
      assertThat(Files.size(segment)).isEqualTo(start); // clean again before anything new is appended
      BootEvent next = log.record(MAC, null, EventNames.OS_INIT, null, "http@:80");
      assertThat(next.id()).isEqualTo(10); // id 10 never reached a subscriber, so it is free again
    }
    try (EventLog log = open()) {
      List<BootEvent> all = allEvents(log);
      assertThat(ids(all)).isEqualTo(range(1, 10));
      assertThat(all.getLast().name()).isEqualTo(EventNames.OS_INIT);
      assertThat(log.stats().tornRecordsOnOpen()).isZero();
    }
  }

  @Test
  void garbageAfterTheLastRecordIsSkipped() throws Exception {
    recordEvents(10);
    Path segment = onlySegment();
    long cleanSize = Files.size(segment);
    // A plausible-looking frame header (length 40) with a wrong CRC and random-ish bytes.
    byte[] garbage = new byte[48];
    ByteBuffer.wrap(garbage).putInt(40).putInt(0xdeadbeef);
    for (int i = 8; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31);
    }
    append(segment, garbage);

    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 10));
      assertThat(log.stats().tornRecordsOnOpen()).isEqualTo(1);
      assertThat(Files.size(segment)).isEqualTo(cleanSize);
      log.record(MAC, null, EventNames.OS_INIT, null, "x");
      log.record(MAC, null, EventNames.JUMP_TO, null, "x");
    }
    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 12));
      assertThat(log.stats().tornRecordsOnOpen()).isZero();
    }
  }

  @Test
  void aTornRecordFollowedByGarbageAndAnAbsurdLengthIsSkipped() throws Exception {
    recordEvents(5);
    Path segment = onlySegment();
    long start = lastFrameStart(segment);
    truncate(segment, start + 3); // not even a whole frame header left
    append(segment, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9});

    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 4));
      assertThat(log.stats().tornRecordsOnOpen()).isEqualTo(1);
      assertThat(log.record(MAC, null, EventNames.OS_INIT, null, "x").id()).isEqualTo(5);
    }
    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 5));
    }
  }

  @Test
  void aFlippedBitInsideTheLastRecordFailsItsCrc() throws Exception {
    recordEvents(3);
    Path segment = onlySegment();
    long start = lastFrameStart(segment);
    byte[] bytes = Files.readAllBytes(segment);
    int inPayload = (int) start + JournalCodec.FRAME_HEADER + 10;
    bytes[inPayload] ^= 0x01;
    Files.write(segment, bytes);

    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 2));
      assertThat(log.stats().tornRecordsOnOpen()).isEqualTo(1);
    }
  }

  @Test
  void aSegmentCutInsideItsHeaderIsRepairedAndIdsContinueFromItsName() throws Exception {
    recordEvents(4);
    // A crash right after rotation created the next segment: only part of its header made it.
    Path next = stateDir.resolve("events").resolve(EventLog.segmentName(5));
    Files.write(next, new byte[] {'B', 'L'});
    try (EventLog log = open()) {
      assertThat(log.stats().tornRecordsOnOpen()).isZero();
      assertThat(log.stats().bytesTruncatedOnOpen()).isEqualTo(2);
      assertThat(log.record(MAC, null, EventNames.OS_INIT, null, "x").id()).isEqualTo(5);
    }
    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 5));
    }
  }

  @Test
  void anOlderSegmentThatIsNotAJournalIsMovedAsideAndTheRestStillOpens() throws Exception {
    recordEvents(3);
    Path events = stateDir.resolve("events");
    Path stray = events.resolve(EventLog.segmentName(0));
    Files.writeString(stray, "this is not a journal segment\n");
    try (EventLog log = open()) {
      assertThat(ids(allEvents(log))).isEqualTo(range(1, 3));
      assertThat(log.stats().tornRecordsOnOpen()).isEqualTo(1);
      assertThat(log.record(MAC, null, EventNames.OS_INIT, null, "x").id()).isEqualTo(4);
    }
    assertThat(stray).doesNotExist();
    assertThat(events.resolve(stray.getFileName() + ".corrupt")).exists();
  }
}
