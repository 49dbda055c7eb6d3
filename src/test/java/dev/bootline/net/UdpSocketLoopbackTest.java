package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real FFM socket, on loopback only (runs as any user; no broadcast ever leaves the test JVM's namespace). */
class UdpSocketLoopbackTest {
  private static final int LO = NetInterfaces.require("lo").index();

  @Test
  void ipv4DatagramCarriesArrivalInterfaceDestinationAndSource() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (var server = UdpSocket.open(UdpSocketConfig.ipv4(0).withBind(new InetSocketAddress(loopback, 0)));
        var client = UdpSocket.open(UdpSocketConfig.ipv4(0).withBind(new InetSocketAddress(loopback, 0)))) {
      client.send(utf8("hello"), server.localAddress(), LO, loopback);

      ByteBuffer buffer = ByteBuffer.allocate(1500);
      ReceivedDatagram d = server.receive(buffer);

      assertThat(d.ifIndex()).isEqualTo(LO);
      assertThat(d.destination()).isEqualTo(loopback);
      assertThat(d.source()).isEqualTo(client.localAddress());
      assertThat(d.isLimitedBroadcast()).isFalse();
      assertThat(text(buffer.flip(), d)).isEqualTo("hello");
    }
  }

  @Test
  void ipv6DatagramCarriesArrivalInterfaceAndDestination() throws Exception {
    InetAddress loopback = InetAddress.getByName("::1");
    try (var server = UdpSocket.open(UdpSocketConfig.ipv6(0).withBind(new InetSocketAddress(loopback, 0)));
        var client = UdpSocket.open(UdpSocketConfig.ipv6(0).withBind(new InetSocketAddress(loopback, 0)))) {
      client.send(utf8("hello6"), server.localAddress(), LO, loopback);

      ByteBuffer buffer = ByteBuffer.allocate(1500);
      ReceivedDatagram d = server.receive(buffer);

      assertThat(d.ifIndex()).isEqualTo(LO);
      assertThat(d.destination()).isEqualTo(loopback);
      assertThat(d.source().getPort()).isEqualTo(client.localAddress().getPort());
      assertThat(text(buffer.flip(), d)).isEqualTo("hello6");
    }
  }

  @Test
  void longDatagramIsTruncatedToTheBufferAndSaysSo() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (var server = UdpSocket.open(UdpSocketConfig.ipv4(0).withBind(new InetSocketAddress(loopback, 0)));
        var client = UdpSocket.open(UdpSocketConfig.ipv4(0).withBind(new InetSocketAddress(loopback, 0)))) {
      client.send(utf8("0123456789"), server.localAddress(), 0, null);
      ByteBuffer small = ByteBuffer.allocate(4);
      ReceivedDatagram d = server.receive(small);
      assertThat(d.length()).isEqualTo(4);
      assertThat(d.truncated()).isTrue();
      assertThat(text(small.flip(), d)).isEqualTo("0123");
    }
  }

  @Test
  void closeWakesABlockedReceiverWithACleanSignal() throws Exception {
    var socket = UdpSocket.open(UdpSocketConfig.ipv4(0)
        .withBind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)));
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread receiver = Thread.ofPlatform().name("receiver").start(() -> {
      try {
        socket.receive(ByteBuffer.allocate(1500));
        outcome.complete(null);
      } catch (Throwable t) {
        outcome.complete(t);
      }
    });
    // Wait until the receiver is inside recvmsg (a thread in a native call reports RUNNABLE).
    while (receiver.getState() != Thread.State.RUNNABLE || !inRecvmsg(receiver)) {
      Thread.onSpinWait();
    }
    socket.close();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
    assertThat(socket.isOpen()).isFalse();
    assertThatThrownBy(() -> socket.receive(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void bindFailureNamesTheCallAndErrno() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (var first = UdpSocket.open(UdpSocketConfig.ipv4(0).withReuseAddress(false)
        .withBind(new InetSocketAddress(loopback, 0)))) {
      InetSocketAddress taken = first.localAddress();
      assertThatThrownBy(() -> UdpSocket.open(UdpSocketConfig.ipv4(0).withReuseAddress(false).withBind(taken)))
          .isInstanceOf(NativeCallException.class)
          .hasMessage("bind(127.0.0.1:" + taken.getPort() + ") failed: EADDRINUSE (Address already in use)");
    }
    assertThatThrownBy(() -> UdpSocket.open(UdpSocketConfig.ipv4(0)
        .withBind(new InetSocketAddress(InetAddress.getByName("192.0.2.254"), 0))))
        .hasMessageContaining("bind(192.0.2.254:0) failed: EADDRNOTAVAIL");
  }

  @Test
  void joinGroupRefusesIpv4Sockets() throws Exception {
    try (var v4 = UdpSocket.open(UdpSocketConfig.ipv4(0)
        .withBind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))) {
      assertThatThrownBy(() -> v4.joinGroup(InetAddress.getByName("ff02::1:2"), LO))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static boolean inRecvmsg(Thread t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals("receive") && e.getClassName().equals(UdpSocket.class.getName())) {
        return true;
      }
    }
    return false;
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteBuffer b, ReceivedDatagram d) {
    return StandardCharsets.UTF_8.decode(b.limit(d.length())).toString();
  }
}
