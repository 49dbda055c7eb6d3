package dev.bootline.http;

import dev.bootline.net.Sendfile;
import dev.bootline.net.TcpCork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A plain TCP endpoint that sends a file body the way nginx does with {@code sendfile on; tcp_nopush on}: with
 * {@code sendfile(2)} (no copy through user space), header and body under TCP_CORK (full segments only, the tail
 * pushed once the body's last range is queued). Jetty still does everything else: the body goes through the normal
 * response write as a buffer holding the same bytes (a slice of the file's mapping), so Content-Length accounting,
 * HEAD, ranges, keep-alive, partial writes and write interest stay Jetty's. Only when that very buffer reaches
 * {@link #flush} is it replaced by a sendfile of the file range it holds ({@link Sendfile} on the two descriptors, or
 * {@link FileChannel#transferTo} where those are not available), advancing the buffer as the kernel takes bytes. Any
 * other buffer (and TLS, whose encrypted buffers never match) takes the ordinary write.
 */
final class SendfileEndPoint extends SocketChannelEndPoint {
  /**
   * Selector threads: one per core (at most 8), as nginx's {@code worker_processes auto}. File fetches are handled and
   * sent on the selector thread itself, so they are the boot plane's workers; Jetty's default (one per two cores)
   * left one busy selector at ~0.9 of a core under 50 downloads while the other core idled for it.
   * {@code -Dbootline.http.selectors=N} overrides.
   */
  static final int SELECTORS = Integer.getInteger("bootline.http.selectors",
      Math.min(8, Runtime.getRuntime().availableProcessors()));

  /** A buffer whose bytes are {@code file[offset, offset + buffer.limit())}, position 0 being {@code offset}. */
  private record Pending(ByteBuffer buffer, FileMappings.Mapping file, long offset, boolean endsBody) {}

  private final LongAdder sentByFile;
  private final LongAdder corkedBodies;
  private final Object closeGuard = new Object();
  private volatile Pending pending;
  /**
   * TCP_CORK is on: set before a file body's first write (with the header), cleared once its last byte is queued or
   * the write ended otherwise ({@link #forget}, which a failure may call on another thread: hence atomic).
   */
  private final AtomicBoolean corked = new AtomicBoolean();

  SendfileEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
      LongAdder sentByFile, LongAdder corkedBodies) {
    super(channel, selector, key, scheduler);
    this.sentByFile = sentByFile;
    this.corkedBodies = corkedBodies;
  }

  /**
   * The next flush of {@code buffer} (by identity) sends the mapped file from {@code offset} instead; the caller writes
   * {@code buffer} through Jetty right after and holds the mapping until that write ends. One at a time: HTTP/1.1
   * writes one response body at a time. {@code endsBody} says this range is the body's last, so the socket is uncorked
   * once it is queued.
   */
  void sendFileFor(ByteBuffer buffer, FileMappings.Mapping file, long offset, boolean endsBody) {
    pending = new Pending(buffer, file, offset, endsBody);
  }

  /** Drops the substitution (the write ended, well or not): the channel may be closed after this. */
  void forget(ByteBuffer buffer) {
    Pending p = pending;
    if (p != null && p.buffer == buffer) {
      pending = null;
    }
    uncork();
  }

  @Override
  public boolean flush(ByteBuffer... buffers) throws IOException {
    Pending p = pending;
    int at = p == null ? -1 : indexOf(buffers, p.buffer);
    if (at < 0) {
      return super.flush(buffers);
    }
    if (!corked.get() && TcpCork.available()) {
      // as nginx's tcp_nopush: the header and the body leave in full segments. Against a client reading in small bites
      // it matters most: without it each small window opening is answered at once with a small segment.
      corked.set(cork(true));
    }
    // the response header (if any) first; it is small, so normally one write
    for (int i = 0; i < at; i++) {
      if (buffers[i].hasRemaining() && !super.flush(buffers[i])) {
        return false;
      }
    }
    ByteBuffer b = p.buffer;
    if (b.hasRemaining()) {
      long n = send(p.file, p.offset + b.position(), b.remaining());
      if (n == 0) {
        throw new EofException("file shrank while being sent");
      }
      if (n < 0) {
        return false; // the socket is full: Jetty waits for it to drain and flushes again
      }
      b.position(b.position() + (int) n);
      sentByFile.add(n);
      notIdle();
      if (b.hasRemaining()) {
        return false; // a short write: the same
      }
    }
    for (int i = at + 1; i < buffers.length; i++) {
      if (buffers[i].hasRemaining() && !super.flush(buffers[i])) {
        return false;
      }
    }
    if (p.endsBody) {
      uncork(); // the tail goes now, not after the kernel's 200 ms cork limit
    }
    return true;
  }

  /**
   * Up to {@code count} bytes of the file from {@code offset}, with {@link Sendfile}'s answer: bytes taken, 0 at the
   * file's end, -1 when the socket is full. The direct call never uses the socket's descriptor number after a close:
   * a number freed by a concurrent close (idle timeout on the scheduler thread) could already name another connection;
   * {@link #doClose} takes the same lock.
   */
  private long send(FileMappings.Mapping file, long offset, long count) throws IOException {
    try {
      if (file.fd >= 0) {
        synchronized (closeGuard) {
          if (!getChannel().isOpen()) {
            throw new EofException("closed");
          }
          return Sendfile.send(getChannel(), file.fd, offset, count);
        }
      }
      long n = file.channel.transferTo(offset, count, getChannel());
      return n > 0 ? n : file.channel.size() <= offset ? 0 : -1;
    } catch (EofException e) {
      throw e;
    } catch (IOException e) {
      throw new EofException(e);
    }
  }

  private boolean cork(boolean on) {
    synchronized (closeGuard) {
      return getChannel().isOpen() && TcpCork.set(getChannel(), on);
    }
  }

  @Override
  public void doClose() {
    synchronized (closeGuard) {
      super.doClose();
    }
  }

  private void uncork() {
    if (corked.compareAndSet(true, false)) {
      corkedBodies.increment(); // before the uncork releases the tail: whoever saw the tail sees the count
      cork(false);
    }
  }

  /**
   * A plain HTTP/1.1 connector whose connections are {@link SendfileEndPoint}s, counting the bytes sent by file and
   * the bodies sent corked (counted when uncorked).
   */
  static ServerConnector connector(Server server, LongAdder sentByFile, LongAdder corkedBodies) {
    return new ServerConnector(server, -1, SELECTORS) {
      @Override
      protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SendfileEndPoint ep = new SendfileEndPoint(channel, selector, key, getScheduler(), sentByFile, corkedBodies);
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
