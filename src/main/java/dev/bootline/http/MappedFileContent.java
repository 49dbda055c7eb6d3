package dev.bootline.http;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * A file's body written to the socket straight from a memory mapping of the file: the kernel copies page-cache pages
 * into the socket once, where the default path reads each chunk into a buffer first (two copies and twice the system
 * calls). Mappings come from {@link FileMappings}: mapped once per file, unmapped on eviction (never left to a GC).
 * Headers, Range, ETag and the rest stay with the wrapped content and Jetty's ResourceService.
 *
 * <p>Plain HTTP only: a write from a mapping fails with an I/O error if the file is truncated meanwhile (the kernel
 * reports the fault), but TLS would read the mapping in Java, where a truncated file is a fault in the JVM.
 */
final class MappedFileContent extends HttpContent.Wrapper {
  /** Bodies (or ranges) smaller than this take the wrapped content's buffered copy: mapping would cost more. */
  static final long MIN_MAPPED = 256 * 1024;

  /**
   * The mapping goes out in writes of at most 4 MiB: a 1 MiB file is one write, and a slow multi-GiB download still
   * completes a write (which is when progress is counted) every few seconds at worst.
   */
  static long slice(long len) {
    return Math.min(len, 4L * 1024 * 1024);
  }

  private final SafePaths.Resolved file;
  private final FileMappings mappings;
  private final SendfileEndPoint sendfile;

  /** @param sendfile the connection's endpoint when it can send the mapped ranges with sendfile, else null */
  MappedFileContent(HttpContent content, SafePaths.Resolved file, FileMappings mappings, SendfileEndPoint sendfile) {
    super(content);
    this.file = file;
    this.mappings = mappings;
    this.sendfile = sendfile;
  }

  @Override
  public void writeTo(Content.Sink sink, long offset, long length, Callback callback) {
    long size = getContentLengthValue();
    long len = length < 0 ? size - offset : length;
    if (offset < 0 || len < MIN_MAPPED || offset + len > size) {
      super.writeTo(sink, offset, length, callback);
      return;
    }
    FileMappings.Mapping mapping;
    try {
      mapping = mappings.acquire(file.real(), file.attributes());
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
      return;
    }
    if (offset + len > mapping.segment.byteSize()) { // the file shrank since its headers were made
      mappings.release(mapping);
      callback.failed(new IOException("file changed while being served: " + file.real()));
      return;
    }
    MemorySegment mapped = mapping.segment;
    long slice = slice(len);
    new IteratingCallback() {
      private long pos;
      private java.nio.ByteBuffer last;

      @Override
      public InvocationType getInvocationType() {
        return callback.getInvocationType();
      }

      @Override
      protected Action process() {
        if (pos >= len) {
          return Action.SUCCEEDED;
        }
        long n = Math.min(slice, len - pos);
        var part = mapped.asSlice(offset + pos, n).asByteBuffer();
        boolean endsBody = pos + n >= len;
        if (sendfile != null) {
          sendfile.sendFileFor(part, mapping, offset + pos, endsBody); // the same bytes, without the copy
          last = part;
        }
        pos += n;
        sink.write(pos >= len, part, this);
        return Action.SCHEDULED;
      }

      @Override
      protected void onCompleteSuccess() {
        forget();
        mappings.release(mapping);
        callback.succeeded();
      }

      @Override
      protected void onCompleteFailure(Throwable cause) {
        forget();
        mappings.release(mapping);
        callback.failed(cause);
      }

      private void forget() {
        if (last != null) {
          sendfile.forget(last);
        }
      }
    }.iterate();
  }
}
