package dev.bootline.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A plain TCP endpoint that can send a file body with {@code sendfile(2)} (no copy through user space), the way nginx
 * does. Jetty still does everything else: the body goes through the normal response write as a buffer holding the same
 * bytes (a slice of the file's mapping), so Content-Length accounting, HEAD, ranges, keep-alive, partial writes and
 * write interest stay Jetty's. Only when that very buffer reaches {@link #flush} is it replaced by a
 * {@link FileChannel#transferTo} of the file range it holds, advancing the buffer as the kernel takes bytes. Any other
 * buffer (and TLS, whose encrypted buffers never match) takes the ordinary write.
 */
final class SendfileEndPoint extends SocketChannelEndPoint {
  /** A buffer whose bytes are {@code file[offset, offset + buffer.limit())}, position 0 being {@code offset}. */
  private record Pending(ByteBuffer buffer, FileChannel file, long offset) {}

  private final LongAdder sentByFile;
  private volatile Pending pending;

  SendfileEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
      LongAdder sentByFile) {
    super(channel, selector, key, scheduler);
    this.sentByFile = sentByFile;
  }

  /**
   * The next flush of {@code buffer} (by identity) sends {@code file} from {@code offset} instead; the caller writes
   * {@code buffer} through Jetty right after. One at a time: HTTP/1.1 writes one response body at a time.
   */
  void sendFileFor(ByteBuffer buffer, FileChannel file, long offset) {
    pending = new Pending(buffer, file, offset);
  }

  /** Drops the substitution (the write ended, well or not): the channel may be closed after this. */
  void forget(ByteBuffer buffer) {
    Pending p = pending;
    if (p != null && p.buffer == buffer) {
      pending = null;
    }
  }

  @Override
  public boolean flush(ByteBuffer... buffers) throws IOException {
    Pending p = pending;
    int at = p == null ? -1 : indexOf(buffers, p.buffer);
    if (at < 0) {
      return super.flush(buffers);
    }
    // the response header (if any) first; it is small, so normally one write
    for (int i = 0; i < at; i++) {
      if (buffers[i].hasRemaining() && !super.flush(buffers[i])) {
        return false;
      }
    }
    ByteBuffer b = p.buffer;
    while (b.hasRemaining()) {
      long n;
      try {
        n = p.file.transferTo(p.offset + b.position(), b.remaining(), getChannel());
      } catch (IOException e) {
        throw new EofException(e);
      }
      if (n > 0) {
        b.position(b.position() + (int) n);
        sentByFile.add(n);
        notIdle();
        if (b.hasRemaining()) {
          return false; // a short write: the socket is full, Jetty flushes again when it drains
        }
        break;
      }
      // nothing taken: the socket is full (Jetty waits for it to drain and flushes again), or the file shrank
      if (p.file.size() < p.offset + b.limit()) {
        throw new EofException("file shrank while being sent");
      }
      return false;
    }
    for (int i = at + 1; i < buffers.length; i++) {
      if (buffers[i].hasRemaining() && !super.flush(buffers[i])) {
        return false;
      }
    }
    return true;
  }

  /** A plain HTTP/1.1 connector whose connections are {@link SendfileEndPoint}s. */
  static ServerConnector connector(Server server, LongAdder sentByFile) {
    return new ServerConnector(server) {
      @Override
      protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SendfileEndPoint ep = new SendfileEndPoint(channel, selector, key, getScheduler(), sentByFile);
        ep.setIdleTimeout(getIdleTimeout());
        return ep;
      }
    };
  }

  private static int indexOf(ByteBuffer[] buffers, ByteBuffer b) {
    for (int i = 0; i < buffers.length; i++) {
      if (buffers[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
