package dev.bootline.net;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.channels.SocketChannel;

/**
 * {@code TCP_CORK} on a TCP socket channel, as nginx's {@code tcp_nopush}: while corked the kernel sends only full
 * segments, so a response header and the file body after it leave as full segments instead of a lone small header
 * and window-sized dribbles; uncorking sends the rest at once. It changes no byte, only how they are cut into segments.
 *
 * <p>Java has no option for it, so this needs the channel's file descriptor ({@link ChannelFds}). Without it (another
 * launcher, an IDE, or {@code -Dbootline.http.cork=false}) {@link #available()} is false and callers just do not cork.
 */
public final class TcpCork {
  private static final boolean ENABLED = !"false".equals(System.getProperty("bootline.http.cork"));
  private static final MethodHandle FD_OF = ENABLED ? ChannelFds.SOCKET : null;

  private TcpCork() {}

  /** Whether corking can work in this JVM (the JDK's channel internals are exported to bootline). */
  public static boolean available() {
    return FD_OF != null;
  }

  /**
   * Sets or clears {@code TCP_CORK} on {@code channel}. Returns false (and changes nothing) when it is unavailable or
   * the socket refused (closed, not TCP): corking only shapes segments, so a failure is never an error to the caller.
   */
  public static boolean set(SocketChannel channel, boolean on) {
    if (FD_OF == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) { // two calls per large response: a fresh scratch is cheap enough
      int fd = (int) FD_OF.invokeExact(channel);
      if (fd < 0) {
        return false;
      }
      MemorySegment value = arena.allocate(JAVA_INT);
      value.set(JAVA_INT, 0, on ? 1 : 0);
      return (int) Libc.SETSOCKOPT.invokeExact(Libc.allocateCallState(arena), fd, Libc.IPPROTO_TCP, Libc.TCP_CORK,
          value, 4) == 0;
    } catch (Throwable t) {
      return false;
    }
  }

  /** Whether {@code TCP_CORK} is on (tests); false when unavailable or the socket is closed. */
  static boolean isSet(SocketChannel channel) {
    if (FD_OF == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      int fd = (int) FD_OF.invokeExact(channel);
      MemorySegment value = arena.allocate(JAVA_INT);
      MemorySegment length = arena.allocate(JAVA_INT);
      length.set(JAVA_INT, 0, 4);
      int rc = (int) Libc.GETSOCKOPT.invokeExact(Libc.allocateCallState(arena), fd, Libc.IPPROTO_TCP, Libc.TCP_CORK,
          value, length);
      return rc == 0 && value.get(JAVA_INT, 0) != 0;
    } catch (Throwable t) {
      return false;
    }
  }
}
