package dev.bootline.events;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads one segment file frame by frame with positional reads, so it can follow a segment the writer is still
 * appending to. After {@link #next()} returns null, {@link #torn()} says whether it stopped at a clean end of file or
 * at a frame that is incomplete or invalid (which, on the active segment, may just be a write in progress).
 */
final class SegmentReader implements Closeable {
  private static final int CHUNK = 64 * 1024;

  private final FileChannel channel;
  private final Path path;
  private ByteBuffer buffer = ByteBuffer.allocate(CHUNK).limit(0);
  private long bufferStart;
  private long position;
  private boolean torn;
  private String tornReason;

  SegmentReader(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    this.position = 0;
  }

  Path path() {
    return path;
  }

  /**
   * Checks the segment header. Returns false (and marks the reader torn) if the file is shorter than the header or
   * has a different magic.
   */
  boolean readHeader() throws IOException {
    byte[] magic = JournalCodec.SEGMENT_MAGIC;
    if (!ensure(0, magic.length)) {
      return fail("segment header missing");
    }
    byte[] got = new byte[magic.length];
    buffer.get((int) (0 - bufferStart), got);
    if (!Arrays.equals(got, magic)) {
      return fail("not a bootline event segment (bad magic)");
    }
    position = magic.length;
    return true;
  }

  /** Byte offset just after the last good frame (where a truncation would cut). */
  long position() {
    return position;
  }

  /** Moves back to a position returned by {@link #position()} (to re-read a frame later). */
  void rewind(long to) {
    position = to;
  }

  boolean torn() {
    return torn;
  }

  String tornReason() {
    return tornReason;
  }

  long size() throws IOException {
    return channel.size();
  }

  /** The next complete, valid event, or null at end of file or at a torn frame. */
  BootEvent next() throws IOException {
    torn = false;
    tornReason = null;
    if (!ensure(position, JournalCodec.FRAME_HEADER)) {
      if (channel.size() > position) {
        fail("incomplete frame header");
      }
      return null;
    }
    int at = (int) (position - bufferStart);
    byte[] header = new byte[JournalCodec.FRAME_HEADER];
    buffer.get(at, header);
    int length = ByteBuffer.wrap(header).getInt(0);
    int crc = ByteBuffer.wrap(header).getInt(4);
    if (length <= 0 || length > JournalCodec.MAX_PAYLOAD) {
      fail("frame length " + length + " out of range");
      return null;
    }
    if (!ensure(position, JournalCodec.FRAME_HEADER + length)) {
      fail("frame runs past end of file");
      return null;
    }
    byte[] payload = new byte[length];
    buffer.get((int) (position - bufferStart) + JournalCodec.FRAME_HEADER, payload);
    if (JournalCodec.crc(header, payload) != crc) {
      fail("CRC32C mismatch");
      return null;
    }
    BootEvent event;
    try {
      event = JournalCodec.decode(payload);
    } catch (IOException ex) {
      fail(ex.getMessage());
      return null;
    }
    position += JournalCodec.FRAME_HEADER + length;
    return event;
  }

  private boolean fail(String reason) {
    torn = true;
    tornReason = reason;
    return false;
  }

  /** Makes bytes [from, from+n) available in the buffer; false if the file is shorter. */
  private boolean ensure(long from, int n) throws IOException {
    if (from >= bufferStart && from + n <= bufferStart + buffer.limit()) {
      return true;
    }
    if (buffer.capacity() < n) {
      buffer = ByteBuffer.allocate(Math.max(n, CHUNK));
    }
    buffer.clear();
    bufferStart = from;
    while (buffer.hasRemaining()) {
      int r = channel.read(buffer, from + buffer.position());
      if (r <= 0) {
        break;
      }
    }
    buffer.flip();
    return buffer.limit() >= n;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
