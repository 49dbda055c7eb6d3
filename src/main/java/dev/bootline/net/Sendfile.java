package dev.bootline.net;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * {@code sendfile(2)} from a file descriptor to a non-blocking socket channel, one system call per call.
 * {@link FileChannel#transferTo} makes three on Linux ({@code fstat} for the size, a {@code copy_file_range} that
 * fails for a socket, then {@code sendfile}) plus the channel's locking; at 1 MiB responses that is most of what it
 * costs beyond the copy itself. The caller must keep both descriptors open during the call (the file: its mapping is
 * held; the socket: {@code SendfileEndPoint} excludes its close while sending).
 */
public final class Sendfile {
  private static final boolean ENABLED = !"false".equals(System.getProperty("bootline.http.sendfile"));

  private Sendfile() {}

  /** Whether {@link #send} can be used in this JVM (see {@link ChannelFds}). */
  public static boolean available() {
    return ENABLED && ChannelFds.SOCKET != null && ChannelFds.FILE != null;
  }

  /** The descriptor of an open file channel, or -1 when {@link #available()} is false or it cannot be read. */
  public static int fd(FileChannel file) {
    if (!available()) {
      return -1;
    }
    try {
      return (int) ChannelFds.FILE.invokeExact(file);
    } catch (Throwable t) {
      return -1;
    }
  }

  /**
   * Sends up to {@code count} bytes of {@code fileFd} from {@code offset}.
   *
   * @return the bytes the socket took (> 0); 0 if the file ends at {@code offset} (it shrank); -1 if the socket's
   *     buffer is full (EAGAIN: wait until it is writable)
   * @throws NativeCallException for anything else, e.g. EPIPE or ECONNRESET when the peer went away
   */
  public static long send(SocketChannel socket, int fileFd, long offset, long count) throws IOException {
    int socketFd;
    try {
      socketFd = (int) ChannelFds.SOCKET.invokeExact(socket);
    } catch (Throwable t) {
      throw new IOException("socket descriptor unavailable", t);
    }
    if (socketFd < 0) {
      throw new java.nio.channels.ClosedChannelException();
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment off = arena.allocate(JAVA_LONG);
      MemorySegment state = Libc.allocateCallState(arena);
      while (true) {
        off.set(JAVA_LONG, 0, offset);
        long n = (long) Libc.SENDFILE.invokeExact(state, socketFd, fileFd, off, count);
        if (n >= 0) {
          return n;
        }
        int errno = Libc.errno(state);
        if (errno == Errno.EAGAIN) {
          return -1;
        }
        if (errno != Errno.EINTR) {
          throw new NativeCallException("sendfile", errno);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(t);
    }
  }
}
