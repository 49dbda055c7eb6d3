package dev.bootline.http;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file's body written to the socket straight from a memory mapping of the file: the kernel copies page-cache pages
 * into the socket once, where the default path reads each chunk into a buffer first (two copies and twice the system
 * calls). The mapping belongs to a shared {@link Arena} closed (unmapped) as soon as the write ends, so mappings never
 * pile up waiting for a GC. Headers, Range, ETag and the rest stay with the wrapped content and Jetty's ResourceService.
 *
 * <p>Plain HTTP only: a write from a mapping fails with an I/O error if the file is truncated meanwhile (the kernel
 * reports the fault), but TLS would read the mapping in Java, where a truncated file is a fault in the JVM.
 */
final class MappedFileContent extends HttpContent.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(MappedFileContent.class);

  /** Bodies (or ranges) smaller than this take the wrapped content's buffered copy: mapping would cost more. */
  static final long MIN_MAPPED = 256 * 1024;

  /**
   * The mapping goes out in about 16 writes, so the response's progress ({@code sending} at each further tenth)
   * still sees every tenth pass; a slice is at least 64 KiB and at most 64 MiB (a ByteBuffer holds under 2 GiB).
   */
  static long slice(long len) {
    return Math.clamp(len / 16, 64L * 1024, 64L * 1024 * 1024);
  }

  private final Path file;

  MappedFileContent(HttpContent content, Path file) {
    super(content);
    this.file = file;
  }

  @Override
  public void writeTo(Content.Sink sink, long offset, long length, Callback callback) {
    long size = getContentLengthValue();
    long len = length < 0 ? size - offset : length;
    if (offset < 0 || len < MIN_MAPPED || offset + len > size) {
      super.writeTo(sink, offset, length, callback);
      return;
    }
    Arena arena = Arena.ofShared();
    MemorySegment mapped;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      mapped = ch.map(FileChannel.MapMode.READ_ONLY, offset, len, arena);
    } catch (IOException | RuntimeException e) {
      unmap(arena);
      callback.failed(e);
      return;
    }
    long slice = slice(len);
    new IteratingCallback() {
      private long pos;

      @Override
      protected Action process() {
        if (pos >= len) {
          return Action.SUCCEEDED;
        }
        long n = Math.min(slice, len - pos);
        var part = mapped.asSlice(pos, n).asByteBuffer();
        pos += n;
        sink.write(pos >= len, part, this);
        return Action.SCHEDULED;
      }

      @Override
      protected void onCompleteSuccess() {
        unmap(arena);
        callback.succeeded();
      }

      @Override
      protected void onCompleteFailure(Throwable cause) {
        unmap(arena);
        callback.failed(cause);
      }
    }.iterate();
  }

  /** Unmaps; if a write still holds the mapping (only possible right after a failure), retries shortly after. */
  private static void unmap(Arena arena) {
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
