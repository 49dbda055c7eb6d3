package dev.bootline.http;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole-file read-only mappings kept across requests, so a file fetched again and again (iPXE, kernels, initrds under
 * a boot storm) is mapped once instead of mapped and unmapped per request (an unmap stops every thread for a TLB
 * shoot-down). A mapping is found by path and reused only while the file is the same one: same file key (device and
 * inode), size and modification time, else it is replaced. Bounded by count and by mapped bytes, least recently used
 * out first; an evicted mapping is unmapped when its last write ends.
 */
final class FileMappings implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileMappings.class);

  /** One file's mapping; {@link #segment} is valid until the holder calls {@link FileMappings#release}. */
  static final class Mapping {
    private final Object fileKey;
    private final long size;
    private final FileTime modified;
    private final Arena arena;
    final MemorySegment segment;
    /** The file, open for reading while the mapping lives (the sendfile path sends from it). */
    final FileChannel channel;
    /** {@link #channel}'s descriptor for a direct sendfile ({@link dev.bootline.net.Sendfile}), or -1. */
    final int fd;
    private int users;
    private boolean evicted;

    private Mapping(
        Object fileKey, long size, FileTime modified, Arena arena, MemorySegment segment, FileChannel channel) {
      this.channel = channel;
      this.fd = dev.bootline.net.Sendfile.fd(channel);
      this.fileKey = fileKey;
      this.size = size;
      this.modified = modified;
      this.arena = arena;
      this.segment = segment;
    }

    private boolean sameFile(BasicFileAttributes a) {
      return Objects.equals(fileKey, a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
    }
  }

  private final int maxFiles;
  private final long maxBytes;
  private final LinkedHashMap<Path, Mapping> byPath = new LinkedHashMap<>(16, 0.75f, true);
  private long mappedBytes;
  private boolean closed;

  FileMappings(int maxFiles, long maxBytes) {
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
  }

  /**
   * A mapping of the whole file whose attributes the caller read for this request ({@code a}, without following
   * links); call {@link #release} when the write ends. The caller passes a real path (SafePaths' answer, or an iPXE
   * binary resolved through its symlink by BootHttpServer); opening with NOFOLLOW then only refuses a link swapped in
   * since, and a new mapping is checked against {@code a}'s size.
   */
  Mapping acquire(Path file, BasicFileAttributes a) throws IOException {
    synchronized (this) {
      Mapping m = byPath.get(file);
      if (m != null && m.sameFile(a)) {
        m.users++;
        return m;
      }
      if (m != null) {
        evict(file, m);
      }
    }
    Mapping fresh = map(file, a); // outside the lock: mmap of a big file need not hold other requests
    synchronized (this) {
      fresh.users++;
      if (closed || a.size() > maxBytes) {
        fresh.evicted = true; // used once, unmapped on release
        return fresh;
      }
      Mapping raced = byPath.get(file);
      if (raced != null) {
        evict(file, raced);
      }
      byPath.put(file, fresh);
      mappedBytes += fresh.size;
      Iterator<Map.Entry<Path, Mapping>> oldest = byPath.entrySet().iterator();
      while ((byPath.size() > maxFiles || mappedBytes > maxBytes) && oldest.hasNext()) {
        Map.Entry<Path, Mapping> e = oldest.next();
        if (e.getValue() == fresh) {
          continue;
        }
        oldest.remove();
        retire(e.getValue());
      }
      return fresh;
    }
  }

  synchronized void release(Mapping m) {
    if (--m.users == 0 && m.evicted) {
      unmap(m);
    }
  }

  /** Mapped files currently cached (for tests). */
  synchronized int size() {
    return byPath.size();
  }

  private static Mapping map(Path file, BasicFileAttributes a) throws IOException {
    Arena arena = Arena.ofShared();
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    try {
      if (ch.size() != a.size()) { // replaced or rewritten since the request read its attributes: map nothing stale
        throw new IOException("file changed while being served: " + file);
      }
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, a.size(), arena);
      return new Mapping(a.fileKey(), a.size(), a.lastModifiedTime(), arena, seg, ch);
    } catch (IOException | RuntimeException e) {
      arena.close();
      ch.close();
      throw e;
    }
  }

  private void evict(Path file, Mapping m) {
    byPath.remove(file, m);
    retire(m);
  }

  private void retire(Mapping m) {
    mappedBytes -= m.size;
    m.evicted = true;
    if (m.users == 0) {
      unmap(m);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Mapping m : byPath.values()) {
      retire(m);
    }
    byPath.clear();
  }

  /** Unmaps; if a write still holds the mapping (only possible right after a failure), retries shortly after. */
  static void unmap(Mapping m) {
    try {
      m.channel.close();
    } catch (IOException e) {
      log.debug("closing {}", m.channel, e);
    }
    unmap(m.arena);
  }

  static void unmap(Arena arena) {
    try {
      arena.close();
    } catch (IllegalStateException busy) {
      Thread.ofVirtual().name("unmap").start(() -> {
        for (int i = 0; i < 100; i++) {
          try {
            Thread.sleep(100);
            arena.close();
            return;
          } catch (IllegalStateException stillBusy) {
            // a write still in the kernel: wait again
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        log.warn("a file mapping stayed in use for 10 s after its write ended; left mapped");
      });
    }
  }
}
