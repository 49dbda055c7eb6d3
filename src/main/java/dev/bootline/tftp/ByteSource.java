package dev.bootline.tftp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads of a file's content, so a transfer can re-read any block and tests can serve in-memory bytes. */
public interface ByteSource {
  long size() throws IOException;

  /**
   * Reads up to {@code length} bytes at {@code position} into {@code dst}; returns how many were read, -1 at the end.
   */
  int read(long position, byte[] dst, int offset, int length) throws IOException;

  static ByteSource of(byte[] content) {
    return new ByteSource() {
      @Override
      public long size() {
        return content.length;
      }

      @Override
      public int read(long position, byte[] dst, int offset, int length) {
        if (position >= content.length) {
          return -1;
        }
        int n = (int) Math.min(length, content.length - position);
        System.arraycopy(content, (int) position, dst, offset, n);
        return n;
      }
    };
  }

  /** Reads through the channel without moving its position; the caller closes it. */
  static ByteSource of(FileChannel channel) {
    return new ByteSource() {
      @Override
      public long size() throws IOException {
        return channel.size();
      }

      @Override
      public int read(long position, byte[] dst, int offset, int length) throws IOException {
        return channel.read(ByteBuffer.wrap(dst, offset, length), position);
      }
    };
  }

  /** Reads exactly {@code length} bytes or fewer only at the end of the source. */
  static int readFully(ByteSource src, long position, byte[] dst, int offset, int length) throws IOException {
    int total = 0;
    while (total < length) {
      int n = src.read(position + total, dst, offset + total, length - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
