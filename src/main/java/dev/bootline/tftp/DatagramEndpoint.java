package dev.bootline.tftp;

import java.io.Closeable;
import java.io.IOException;
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

  /** A received datagram: the bytes in the buffer between position and limit. */
  record Received(InetSocketAddress source, ByteBuffer data) {}

  /**
   * Blocks for one datagram, at most {@code timeout} (null: no limit). Returns null on timeout. Throws once closed.
   */
  Received receive(ByteBuffer buffer, Duration timeout) throws IOException;

  void send(ByteBuffer data, InetSocketAddress target) throws IOException;

  InetSocketAddress localAddress() throws IOException;

  @Override
  void close() throws IOException;

  /** Opens endpoints; the server asks for one per listener and one per transfer. */
  @FunctionalInterface
  interface Factory {
    DatagramEndpoint open(InetSocketAddress bind) throws IOException;

    /** Blocking java.nio DatagramChannels; a timed receive goes through the channel's socket adaptor. */
    Factory NIO = NioEndpoint::open;
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
