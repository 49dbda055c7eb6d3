package dev.bootline.tftp;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The transfer's byte stream cut into blocks: block index {@code i} (0-based; wire block number {@code i + 1} mod
 * 65536) holds bytes {@code [i * blockSize, (i + 1) * blockSize)} of the stream as sent (after netascii conversion).
 */
sealed interface BlockReader {
  /** Bytes the client will receive in total. */
  long length();

  byte[] block(long index) throws IOException;

  /** Blocks below this index will not be asked for again (they are acknowledged). */
  default void release(long belowIndex) {}

  static BlockReader open(ByteSource source, TransferMode mode, int blockSize) throws IOException {
    return switch (mode) {
      case OCTET -> new Octet(source, source.size(), blockSize);
      case NETASCII -> new Netascii(source, source.size(), blockSize);
    };
  }

  final class Octet implements BlockReader {
    private final ByteSource source;
    private final long length;
    private final int blockSize;

    Octet(ByteSource source, long length, int blockSize) {
      this.source = source;
      this.length = length;
      this.blockSize = blockSize;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public byte[] block(long index) throws IOException {
      long start = index * blockSize;
      int n = (int) Math.max(0, Math.min(blockSize, length - start));
      byte[] b = new byte[n];
      if (ByteSource.readFully(source, start, b, 0, n) != n) {
        throw new IOException("file shrank during the transfer");
      }
      return b;
    }
  }

  /**
   * Netascii on the fly: LF becomes CR LF, CR becomes CR NUL. Output offsets do not map linearly to file offsets, so it
   * remembers where each unacknowledged block starts in the file (and whether it starts with the second byte of a
   * pair that the previous block split), and re-reads from there on a retransmission.
   */
  final class Netascii implements BlockReader {
    private record Checkpoint(long sourcePosition, int pendingByte) {}

    private final ByteSource source;
    private final long sourceLength;
    private final int blockSize;
    private final long length;
    private final TreeMap<Long, Checkpoint> checkpoints = new TreeMap<>();

    Netascii(ByteSource source, long sourceLength, int blockSize) throws IOException {
      this.source = source;
      this.sourceLength = sourceLength;
      this.blockSize = blockSize;
      this.length = convertedLength(source, sourceLength);
      checkpoints.put(0L, new Checkpoint(0, -1));
    }

    /** The size after conversion: every CR and LF takes two bytes. */
    static long convertedLength(ByteSource source, long sourceLength) throws IOException {
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      long pos = 0;
      while (pos < sourceLength) {
        int n = ByteSource.readFully(source, pos, buf, 0, (int) Math.min(buf.length, sourceLength - pos));
        if (n <= 0) {
          throw new IOException("file shrank while measuring it");
        }
        for (int i = 0; i < n; i++) {
          total += (buf[i] == '\n' || buf[i] == '\r') ? 2 : 1;
        }
        pos += n;
      }
      return total;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public byte[] block(long index) throws IOException {
      Map.Entry<Long, Checkpoint> from = checkpoints.floorEntry(index);
      if (from == null) {
        throw new IllegalStateException("block " + index + " was released");
      }
      long i = from.getKey();
      Checkpoint cp = from.getValue();
      byte[] out = new byte[blockSize];
      while (true) {
        int want = (int) Math.max(0, Math.min(blockSize, length - i * blockSize));
        cp = convert(cp, out, want);
        checkpoints.put(i + 1, cp);
        if (i == index) {
          return out.length == want ? out : java.util.Arrays.copyOf(out, want);
        }
        i++;
      }
    }

    /** Fills {@code out[0, want)} from the checkpoint; returns the checkpoint after it. */
    private Checkpoint convert(Checkpoint cp, byte[] out, int want) throws IOException {
      int o = 0;
      long src = cp.sourcePosition();
      int pending = cp.pendingByte();
      if (pending >= 0 && o < want) {
        out[o++] = (byte) pending;
        pending = -1;
      }
      byte[] in = new byte[Math.max(1, want)];
      while (o < want) {
        int n = ByteSource.readFully(source, src, in, 0, (int) Math.min(want - o, sourceLength - src));
        if (n <= 0) {
          throw new IOException("file shrank during the transfer");
        }
        int k = 0;
        while (k < n && o < want) {
          byte b = in[k++];
          src++;
          if (b == '\n' || b == '\r') {
            out[o++] = '\r';
            byte second = b == '\n' ? (byte) '\n' : 0;
            if (o < want) {
              out[o++] = second;
            } else {
              pending = second & 0xff;
            }
          } else {
            out[o++] = b;
          }
        }
      }
      return new Checkpoint(src, pending);
    }

    @Override
    public void release(long belowIndex) {
      checkpoints.headMap(belowIndex, false).clear();
    }
  }
}
