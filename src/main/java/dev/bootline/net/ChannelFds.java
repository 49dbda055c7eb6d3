package dev.bootline.net;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file descriptor numbers behind JDK channels, for the socket calls Java has no API for (TCP_CORK, sendfile
 * without the JDK's per-call {@code fstat} and failing {@code copy_file_range}). Only the JDK's {@code sun.nio.ch}
 * knows them: the jar's manifest exports and opens that package to bootline ({@code Add-Exports}, {@code Add-Opens};
 * the build does the same for tests). Without that (another launcher, an IDE) the handles are null and callers take
 * the plain JDK path. {@code -Dbootline.http.cork=false} / {@code -Dbootline.http.sendfile=false} turn either use off.
 */
final class ChannelFds {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelFds.class);

  private ChannelFds() {}

  /** {@code (SocketChannel) int}, or null when unavailable. */
  static final MethodHandle SOCKET = socketFd();
  /** {@code (FileChannel) int}, or null when unavailable. */
  static final MethodHandle FILE = fileFd();

  private static MethodHandle socketFd() {
    try {
      Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
      if (!selCh.getModule().isExported("sun.nio.ch", ChannelFds.class.getModule())) {
        LOG.debug("socket descriptors unavailable: java.base does not export sun.nio.ch to bootline (run with -jar)");
        return null;
      }
      return MethodHandles.lookup().findVirtual(selCh, "getFDVal", MethodType.methodType(int.class))
          .asType(MethodType.methodType(int.class, SocketChannel.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("socket descriptors unavailable: {}", e.toString());
      return null;
    }
  }

  private static MethodHandle fileFd() {
    try {
      Class<?> impl = Class.forName("sun.nio.ch.FileChannelImpl");
      if (!impl.getModule().isOpen("sun.nio.ch", ChannelFds.class.getModule())) {
        LOG.debug("file descriptors unavailable: java.base does not open sun.nio.ch to bootline (run with -jar)");
        return null;
      }
      MethodHandle field = MethodHandles.privateLookupIn(impl, MethodHandles.lookup())
          .findGetter(impl, "fd", FileDescriptor.class);
      MethodHandle fdVal = MethodHandles.lookup().findStatic(Class.forName("sun.nio.ch.IOUtil"), "fdVal",
          MethodType.methodType(int.class, FileDescriptor.class));
      return MethodHandles.filterReturnValue(field, fdVal).asType(MethodType.methodType(int.class, FileChannel.class));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("file descriptors unavailable: {}", e.toString());
      return null;
    }
  }
}
