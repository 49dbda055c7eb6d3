package dev.bootline.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A UDP socket driven through the FFM API so that every datagram comes with its arrival interface and destination
 * (IP_PKTINFO / IPV6_RECVPKTINFO) and every reply can leave through a chosen interface with a chosen source
 * (sendmsg with an IP_PKTINFO / IPV6_PKTINFO control message). The JDK's DatagramChannel can do neither, so a
 * broadcast reply on a multi-homed host would leave by the default route.
 *
 * <p>Use: one platform thread loops on {@link #receive} (a blocking native call pins a virtual thread's carrier);
 * any thread may {@link #send}. {@link #close} wakes a blocked receiver, which then throws
 * {@link AsynchronousCloseException}. Native buffers are allocated once per socket, not per packet.
 */
public final class UdpSocket implements AutoCloseable {

  /** Largest UDP payload; the receive buffer is this big so nothing is truncated by us. */
  private static final int MAX_DATAGRAM = 65_535;
  private static final int MSGHDR_SIZE = 56;
  private static final int IOVEC_SIZE = 16;
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final UdpSocketConfig config;
  private final boolean ipv6;
  private final short family;
  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final Direction in;
  private final Direction out;
  private final ReentrantLock setupLock = new ReentrantLock();
  private final MemorySegment setupState;
  private final MemorySegment setupScratch;
  private volatile boolean closed;

  /**
   * The native memory one direction needs: msghdr, iovec, address, control, data, errno capture. The msghdr's and
   * iovec's pointers never change, so they are written once here; a call only rewrites the three lengths.
   */
  private static final class Direction {
    final ReentrantLock lock = new ReentrantLock();
    final MemorySegment msghdr;
    final MemorySegment iovec;
    final MemorySegment name;
    final MemorySegment control;
    final MemorySegment data;
    final MemorySegment callState;
    /**
     * What {@code name} / {@code control} hold now, so a call with the same peer or packet info (a DHCP server
     * answers the same relay, or 255.255.255.255:68 through the same link, again and again) skips re-encoding it
     * (send) or re-decoding it into new objects (receive). Each is touched only under {@link #lock}.
     */
    InetSocketAddress nameFor;
    int nameScopeFor = -1;
    int nameLength;
    PacketInfo controlFor;
    int controlLength;
    final MemorySegment lastName;
    final MemorySegment lastControl;
    InetSocketAddress lastSource;
    PacketInfo lastInfo;
    long lastControlLength = -1;
    int lastNameLength = -1;

    Direction(Arena arena) {
      msghdr = arena.allocate(MSGHDR_SIZE, 8);
      iovec = arena.allocate(IOVEC_SIZE, 8);
      name = arena.allocate(SocketAddresses.MAX_SIZE, 8);
      control = arena.allocate(256, 8);
      data = arena.allocate(MAX_DATAGRAM, 8);
      callState = Libc.allocateCallState(arena);
      lastName = arena.allocate(SocketAddresses.MAX_SIZE, 8);
      lastControl = arena.allocate(256, 8);
      iovec.set(ADDRESS, 0, data);
      msghdr.fill((byte) 0);
      msghdr.set(ADDRESS, 0, name);
      msghdr.set(ADDRESS, 16, iovec);
      msghdr.set(JAVA_LONG, 24, 1L);
      msghdr.set(ADDRESS, 32, control);
    }

    /** The per-call fields: msg_namelen, iov_len, msg_controllen, and msg_flags (written back by recvmsg) cleared. */
    void prepare(int nameLength, long controlLength, long dataLength) {
      iovec.set(JAVA_LONG_UNALIGNED, 8, dataLength);
      msghdr.set(JAVA_INT_UNALIGNED, 8, nameLength);
      msghdr.set(JAVA_LONG_UNALIGNED, 40, controlLength);
      msghdr.set(JAVA_INT_UNALIGNED, 48, 0);
    }
  }

  private UdpSocket(UdpSocketConfig config) throws IOException {
    this.config = config;
    this.ipv6 = config.isIpv6();
    this.family = ipv6 ? SocketAddresses.AF_INET6 : SocketAddresses.AF_INET;
    this.in = new Direction(arena);
    this.out = new Direction(arena);
    this.setupState = Libc.allocateCallState(arena);
    this.setupScratch = arena.allocate(64, 8);
    int socketFd;
    try {
      socketFd = (int) Libc.SOCKET.invokeExact(setupState, (int) family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC,
          Libc.IPPROTO_UDP);
    } catch (Throwable t) {
      arena.close();
      throw rethrow(t);
    }
    if (socketFd < 0) {
      int errno = Libc.errno(setupState);
      arena.close();
      throw new NativeCallException("socket(" + (ipv6 ? "AF_INET6" : "AF_INET") + ", SOCK_DGRAM)", errno);
    }
    this.fd = socketFd;
  }

  /** Opens, configures and binds a socket; on any failure nothing stays open. */
  public static UdpSocket open(UdpSocketConfig config) throws IOException {
    UdpSocket socket = new UdpSocket(config);
    try {
      socket.configureAndBind();
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void configureAndBind() throws IOException {
    setupLock.lock();
    try {
      if (config.reuseAddress()) {
        setIntOption(Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1, "SO_REUSEADDR");
      }
      if (config.receiveBufferBytes() > 0) {
        setIntOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, config.receiveBufferBytes(), "SO_RCVBUF");
      }
      if (ipv6) {
        setIntOption(Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, config.v6Only() ? 1 : 0, "IPV6_V6ONLY");
        setIntOption(Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
      } else {
        if (config.broadcast()) {
          setIntOption(Libc.SOL_SOCKET, Libc.SO_BROADCAST, 1, "SO_BROADCAST");
        }
        setIntOption(Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO");
      }
      if (config.bindToDevice().isPresent()) {
        String device = config.bindToDevice().get();
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= 16) {
          throw new IllegalArgumentException("interface name longer than 15 characters: " + device);
        }
        setupScratch.fill((byte) 0);
        MemorySegment.copy(name, 0, setupScratch, JAVA_BYTE, 0, name.length);
        setOption(Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, setupScratch, name.length + 1,
            "SO_BINDTODEVICE, \"" + device + "\"");
      }
      int length = SocketAddresses.write(setupScratch, family, config.bind(), 0);
      int rc = (int) Libc.BIND.invokeExact(setupState, fd, setupScratch, length);
      if (rc < 0) {
        throw new NativeCallException("bind(" + format(config.bind()) + ")", Libc.errno(setupState));
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    } finally {
      setupLock.unlock();
    }
  }

  /**
   * Joins an IPv6 multicast group (e.g. ff02::1:2, All_DHCP_Relay_Agents_and_Servers) on one interface. Call once
   * per interface.
   */
  public void joinGroup(InetAddress group, int ifIndex) throws IOException {
    if (!ipv6 || !(group instanceof Inet6Address) || !group.isMulticastAddress()) {
      throw new IllegalArgumentException("joinGroup needs an IPv6 socket and an IPv6 multicast group: " + group);
    }
    setupLock.lock();
    try {
      ensureOpen();
      setupScratch.fill((byte) 0);
      MemorySegment.copy(group.getAddress(), 0, setupScratch, JAVA_BYTE, 0, 16);
      setupScratch.set(JAVA_INT, 16, ifIndex);
      setOption(Libc.IPPROTO_IPV6, Libc.IPV6_JOIN_GROUP, setupScratch, 20,
          "IPV6_JOIN_GROUP, " + group.getHostAddress() + ", ifindex " + ifIndex);
    } finally {
      setupLock.unlock();
    }
  }

  /** The bound address and port (the port the kernel chose when the config asked for port 0). */
  public InetSocketAddress localAddress() throws IOException {
    setupLock.lock();
    try {
      ensureOpen();
      MemorySegment length = setupScratch.asSlice(32, 4);
      length.set(JAVA_INT, 0, SocketAddresses.MAX_SIZE);
      int rc = (int) Libc.GETSOCKNAME.invokeExact(setupState, fd, setupScratch, length);
      if (rc < 0) {
        throw new NativeCallException("getsockname", Libc.errno(setupState));
      }
      return SocketAddresses.read(setupScratch, length.get(JAVA_INT, 0));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    } finally {
      setupLock.unlock();
    }
  }

  /**
   * Blocks until a datagram arrives and copies its payload into {@code buffer} from its position (advancing it, as
   * DatagramChannel does; a datagram longer than the remaining space is truncated). Only one thread should receive.
   *
   * @throws AsynchronousCloseException when {@link #close} was called meanwhile (the normal way to stop a receiver)
   * @throws ClosedChannelException when the socket was already closed
   */
  public ReceivedDatagram receive(ByteBuffer buffer) throws IOException {
    in.lock.lock();
    try {
      ensureOpen();
      while (true) {
        in.prepare(SocketAddresses.MAX_SIZE, in.control.byteSize(), MAX_DATAGRAM);
        long n = (long) Libc.RECVMSG.invokeExact(in.callState, fd, in.msghdr, 0);
        if (closed) {
          throw new AsynchronousCloseException(); // woken by shutdown(2) in close()
        }
        if (n < 0) {
          int errno = Libc.errno(in.callState);
          if (errno == Errno.EINTR) {
            continue;
          }
          throw new NativeCallException("recvmsg", errno);
        }
        int nameLength = in.msghdr.get(JAVA_INT_UNALIGNED, 8);
        long controlLength = in.msghdr.get(JAVA_LONG_UNALIGNED, 40);
        int length = (int) Math.min(n, buffer.remaining());
        if (buffer.hasArray()) {
          MemorySegment.copy(in.data, JAVA_BYTE, 0, buffer.array(), buffer.arrayOffset() + buffer.position(), length);
          buffer.position(buffer.position() + length);
        } else {
          buffer.put(in.data.asSlice(0, length).asByteBuffer());
        }
        PacketInfo info = receivedInfo(controlLength);
        return new ReceivedDatagram(length, length < n, info.ifIndex(), info.address(), receivedSource(nameLength));
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    } finally {
      in.lock.unlock();
    }
  }

  /**
   * Sends the buffer's remaining bytes to {@code to}, leaving through interface {@code ifIndex} (0 = by routing) with
   * source address {@code source} (null = the kernel chooses). With IPv4 and {@code to} = 255.255.255.255 this is
   * how a broadcast reply leaves through the link the request came in on. Advances the buffer's position.
   */
  public void send(ByteBuffer buffer, InetSocketAddress to, int ifIndex, InetAddress source) throws IOException {
    out.lock.lock();
    try {
      ensureOpen();
      int length = buffer.remaining();
      if (length > MAX_DATAGRAM) {
        throw new IllegalArgumentException("datagram of " + length + " bytes is larger than UDP allows");
      }
      if (buffer.hasArray()) {
        MemorySegment.copy(buffer.array(), buffer.arrayOffset() + buffer.position(), out.data, JAVA_BYTE, 0, length);
      } else {
        MemorySegment.copy(MemorySegment.ofBuffer(buffer), 0, out.data, 0, length);
      }
      int scope = to.getAddress() instanceof Inet6Address v6 ? v6.getScopeId() : 0;
      if (out.nameScopeFor != ifIndex || !to.equals(out.nameFor) || scope != nameScope(out.nameFor)) {
        out.nameFor = null; // until written: a failed write must not leave a stale cache
        out.nameLength = SocketAddresses.write(out.name, family, to, ifIndex);
        out.nameFor = to;
        out.nameScopeFor = ifIndex;
      }
      if (out.controlFor == null || out.controlFor.ifIndex() != ifIndex
          || !java.util.Objects.equals(out.controlFor.address(), source)) {
        out.controlFor = null;
        PacketInfo info = new PacketInfo(ifIndex, source);
        out.controlLength = PacketInfo.encode(out.control, ipv6, info);
        out.controlFor = info;
      }
      out.prepare(out.nameLength, out.controlLength, length);
      while (true) {
        long n = (long) Libc.SENDMSG.invokeExact(out.callState, fd, out.msghdr, 0);
        if (n >= 0) {
          break;
        }
        int errno = Libc.errno(out.callState);
        if (errno == Errno.EINTR && !closed) {
          continue;
        }
        if (closed) {
          throw new AsynchronousCloseException();
        }
        throw new NativeCallException("sendmsg(to " + format(to) + ", ifindex " + ifIndex
            + (source == null ? "" : ", source " + source.getHostAddress()) + ")", errno);
      }
      buffer.position(buffer.position() + length);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    } finally {
      out.lock.unlock();
    }
  }

  private static int nameScope(InetSocketAddress a) {
    return a != null && a.getAddress() instanceof Inet6Address v6 ? v6.getScopeId() : 0;
  }

  /** The sender of the datagram just received; the same object as last time when its sockaddr bytes are the same. */
  private InetSocketAddress receivedSource(int nameLength) {
    if (in.lastSource != null && nameLength <= SocketAddresses.MAX_SIZE
        && in.lastNameLength == nameLength
        && MemorySegment.mismatch(in.name, 0, nameLength, in.lastName, 0, nameLength) == -1) {
      return in.lastSource;
    }
    InetSocketAddress source = SocketAddresses.read(in.name, nameLength);
    if (nameLength <= SocketAddresses.MAX_SIZE) {
      MemorySegment.copy(in.name, 0, in.lastName, 0, nameLength);
      in.lastNameLength = nameLength;
      in.lastSource = source;
    }
    return source;
  }

  /** The packet info of the datagram just received; the same object as last time when its control bytes are. */
  private PacketInfo receivedInfo(long controlLength) throws IOException {
    if (in.lastInfo != null && in.lastControlLength == controlLength
        && MemorySegment.mismatch(in.control, 0, controlLength, in.lastControl, 0, controlLength) == -1) {
      return in.lastInfo;
    }
    PacketInfo info = PacketInfo.decode(in.control, controlLength)
        .orElse(new PacketInfo(0, InetAddress.getByAddress(new byte[ipv6 ? 16 : 4])));
    if (controlLength <= in.lastControl.byteSize()) {
      MemorySegment.copy(in.control, 0, in.lastControl, 0, controlLength);
      in.lastControlLength = controlLength;
      in.lastInfo = info;
    }
    return info;
  }

  public boolean isOpen() {
    return !closed;
  }

  public UdpSocketConfig config() {
    return config;
  }

  /**
   * shutdown(2) first so a thread blocked in recvmsg wakes up (it then throws AsynchronousCloseException), then
   * close(2) once no call is using the descriptor any more (so it cannot be reused under a running call).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      try {
        // ENOTCONN is expected for an unconnected UDP socket; the kernel still marks it shut down and wakes readers.
        int ignored = (int) Libc.SHUTDOWN.invokeExact(setupState, fd, Libc.SHUT_RDWR);
      } catch (Throwable t) {
        throw rethrow(t);
      }
      boolean inIdle = tryLock(in.lock);
      boolean outIdle = tryLock(out.lock);
      boolean setupIdle = tryLock(setupLock);
      try {
        int ignored = (int) Libc.CLOSE.invokeExact(setupState, fd);
      } finally {
        if (setupIdle) setupLock.unlock();
        if (outIdle) out.lock.unlock();
        if (inIdle) in.lock.unlock();
      }
      if (inIdle && outIdle && setupIdle) {
        arena.close(); // only when no call can still touch the buffers
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static boolean tryLock(ReentrantLock lock) {
    try {
      return lock.tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (closed) {
      throw new ClosedChannelException();
    }
  }

  private void setIntOption(int level, int option, int value, String what) throws IOException {
    setupScratch.set(JAVA_INT, 0, value);
    setOption(level, option, setupScratch, 4, what + ", " + value);
  }

  private void setOption(int level, int option, MemorySegment value, int length, String what) throws IOException {
    int rc;
    try {
      rc = (int) Libc.SETSOCKOPT.invokeExact(setupState, fd, level, option, value, length);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (rc < 0) {
      throw new NativeCallException("setsockopt(" + what + ")", Libc.errno(setupState));
    }
  }

  private static String format(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    String host = ip == null ? a.getHostString() : ip.getHostAddress();
    return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static IOException rethrow(Throwable t) {
    if (t instanceof IOException io) return io;
    if (t instanceof RuntimeException re) throw re;
    if (t instanceof Error e) throw e;
    return new IOException(t);
  }

  @Override
  public String toString() {
    return "UdpSocket[" + format(config.bind()) + (closed ? ", closed" : "") + "]";
  }
}
