package dev.bootline.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class TcpCorkTest {
  @Test
  void corksAndUncorksAConnectedSocketWithoutChangingItsBytes() throws Exception {
    // the build exports sun.nio.ch to the tests as the jar's manifest does to bootline: without it nothing corks
    assertTrue(TcpCork.available(), "java.base must export sun.nio.ch (pom argLine / jar manifest Add-Exports)");
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
           SocketChannel accepted = server.accept()) {
        assertFalse(TcpCork.isSet(accepted));
        assertTrue(TcpCork.set(accepted, true));
        assertTrue(TcpCork.isSet(accepted));
        accepted.write(ByteBuffer.wrap("corked ".getBytes()));
        assertTrue(TcpCork.set(accepted, false)); // uncorking sends what waits
        assertFalse(TcpCork.isSet(accepted));
        ByteBuffer got = ByteBuffer.allocate(16);
        while (got.position() < 7) {
          client.read(got);
        }
        assertEquals("corked ", new String(got.array(), 0, got.position()));
        accepted.close();
        assertFalse(TcpCork.set(accepted, true), "a closed channel is refused quietly");
      }
    }
  }
}
