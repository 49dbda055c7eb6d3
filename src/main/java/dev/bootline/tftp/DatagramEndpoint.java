package dev.bootline.tftp;

import java.io.Closeable;
import java.io.IOException;
import dev.bootline.net.ReceivedDatagram;
import dev.bootline.net.UdpSocket;
import dev.bootline.net.UdpSocketConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

/**
 * The little the TFTP server needs from a UDP socket, so the java.nio implementation can be swapped for the FFM socket
 * with IP_PKTINFO (which also tells the arrival interface and local address).
 */
public interface DatagramEndpoint extends Closeable {

  /**
   * A received datagram: the bytes in the buffer between position and limit.
   *
   * @param ifIndex the interface it arrived on, 0 when the endpoint cannot tell (java.nio)
   * @param destination the address the client sent it to (IP header destination), null when the endpoint cannot tell
   */
  record Received(InetSocketAddress source, ByteBuffer data, int ifIndex, InetAddress destination) {
    public Received(InetSocketAddress source, ByteBuffer data) {
      this(source, data, 0, null);
    }
  }

  /**
   * Blocks for one datagram, at most {@code timeout} (null: no limit). Returns null on timeout. Throws once closed.
   */
  Received receive(ByteBuffer buffer, Duration timeout) throws IOException;

  void send(ByteBuffer data, InetSocketAddress target) throws IOException;

  /**
   * Sends with a chosen source address (null: the kernel chooses), where the endpoint can (the FFM socket); others
   * ignore the source.
   */
  default void send(ByteBuffer data, InetSocketAddress target, InetAddress source) throws IOException {
    send(data, target);
  }

  InetSocketAddress localAddress() throws IOException;

  @Override
  void close() throws IOException;

  /** Opens endpoints; the server asks for one per listener and one per transfer. */
  @FunctionalInterface
  interface Factory {
    /** A listener endpoint; only ever asked for an untimed {@link #receive}. */
    DatagramEndpoint open(InetSocketAddress bind) throws IOException;

    /** A transfer endpoint (its own TID, bound to the address the client talked to); needs timed receives. */
    default DatagramEndpoint openTransfer(InetSocketAddress bind) throws IOException {
      return open(bind);
    }

    /** Blocking java.nio DatagramChannels; a timed receive goes through the channel's socket adaptor. */
    Factory NIO = NioEndpoint::open;

    /**
     * Listeners on the FFM {@link UdpSocket} with IP_PKTINFO/IPV6_PKTINFO (so every request tells its arrival
     * interface and destination address); transfers on java.nio channels bound to that destination (they need
     * timed receives and no packet info).
     */
    Factory PKTINFO =
        new Factory() {
          @Override
          public DatagramEndpoint open(InetSocketAddress bind) throws IOException {
            return PktinfoEndpoint.open(bind);
          }

          @Override
          public DatagramEndpoint openTransfer(InetSocketAddress bind) throws IOException {
            return NioEndpoint.open(bind);
          }
        };
  }

  /**
   * A listener on {@link UdpSocket}: blocking receives only (run it on a platform thread: the native call pins a
   * virtual thread's carrier). A wildcard IPv6 bind is dual-stack, so IPv4 clients arrive too (as IPv4 addresses).
   */
  final class PktinfoEndpoint implements DatagramEndpoint {
    private final UdpSocket socket;
    private final boolean v6;

    private PktinfoEndpoint(UdpSocket socket, boolean v6) {
      this.socket = socket;
      this.v6 = v6;
    }

    /**
     * The source for the packet-info control message. On a dual-stack IPv6 socket an IPv4 client needs an IPv4
     * (sent as v4-mapped) source: Linux refuses an IPV6_PKTINFO with a non-mapped address (even ::) for a v4-mapped
     * destination with EINVAL; 0.0.0.0 lets the kernel choose.
     */
    static InetAddress replySource(boolean v6Socket, InetAddress target, InetAddress wanted) {
      boolean v4Target = target instanceof java.net.Inet4Address;
      if (wanted != null && (wanted instanceof java.net.Inet4Address) == v4Target) {
        return wanted;
      }
      return v6Socket && v4Target ? InetAddress.ofLiteral("0.0.0.0") : null;
    }

    static PktinfoEndpoint open(InetSocketAddress bind) throws IOException {
      boolean v6 = bind.getAddress() instanceof java.net.Inet6Address;
      UdpSocketConfig config =
          (v6 ? UdpSocketConfig.ipv6(bind.getPort()).withV6Only(!bind.getAddress().isAnyLocalAddress())
                  : UdpSocketConfig.ipv4(bind.getPort()).withBroadcast(false))
              .withBind(bind);
      return new PktinfoEndpoint(UdpSocket.open(config), v6);
    }

    @Override
    public Received receive(ByteBuffer buffer, Duration timeout) throws IOException {
      if (timeout != null) {
        throw new UnsupportedOperationException("the FFM listener socket has no timed receive");
      }
      buffer.clear();
      ReceivedDatagram d = socket.receive(buffer);
      buffer.flip();
      return new Received(d.source(), buffer, d.ifIndex(), d.destination());
    }

    @Override
    public void send(ByteBuffer data, InetSocketAddress target) throws IOException {
      send(data, target, null);
    }

    @Override
    public void send(ByteBuffer data, InetSocketAddress target, InetAddress source) throws IOException {
      socket.send(data, target, 0, replySource(v6, target.getAddress(), source));
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
      return socket.localAddress();
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  final class NioEndpoint implements DatagramEndpoint {
    private final DatagramChannel channel;

    private NioEndpoint(DatagramChannel channel) {
      this.channel = channel;
    }

    static NioEndpoint open(InetSocketAddress bind) throws IOException {
      var family =
          bind.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
      DatagramChannel ch = DatagramChannel.open(family);
      try {
        ch.bind(bind);
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      return new NioEndpoint(ch);
    }

    @Override
    public Received receive(ByteBuffer buffer, Duration timeout) throws IOException {
      buffer.clear();
      if (timeout == null) {
        InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
        buffer.flip();
        return new Received(from, buffer);
      }
      var socket = channel.socket();
      long ms = Math.max(1, timeout.toMillis());
      socket.setSoTimeout((int) Math.min(ms, Integer.MAX_VALUE));
      var packet = new java.net.DatagramPacket(buffer.array(), buffer.arrayOffset(), buffer.capacity());
      try {
        socket.receive(packet);
      } catch (java.net.SocketTimeoutException e) {
        return null;
      }
      buffer.position(0).limit(packet.getLength());
      return new Received((InetSocketAddress) packet.getSocketAddress(), buffer);
    }

    @Override
    public void send(ByteBuffer data, InetSocketAddress target) throws IOException {
      channel.send(data, target);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
      return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
