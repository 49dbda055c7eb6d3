package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendfileTest {
  @TempDir Path dir;

  @Test
  void sendsAFileRangeByteExactAndSaysWhenTheSocketIsFullOrTheFileEnds() throws Exception {
    assertThat(Sendfile.available()).as("java.base must open sun.nio.ch (pom argLine / jar manifest Add-Opens)")
        .isTrue();
    byte[] data = new byte[3 * 1024 * 1024 + 4321];
    new Random(5).nextBytes(data);
    Path file = Files.write(dir.resolve("kernel"), data);
    try (ServerSocketChannel server = ServerSocketChannel.open();
         FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int fd = Sendfile.fd(in);
      assertThat(fd).isGreaterThan(2);
      try (SocketChannel client = SocketChannel.open()) {
        client.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 64 * 1024); // small buffers: 3 MiB cannot fit
        client.connect(server.getLocalAddress());
        SocketChannel sender = server.accept();
        sender.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        sender.configureBlocking(false);
        long offset = 1000; // an unaligned range: [1000, end)
        long full = 0;
        // nobody reads yet: the socket fills up, then says so instead of blocking
        while (true) {
          long n = Sendfile.send(sender, fd, offset, data.length - offset);
          if (n < 0) {
            full++;
            break;
          }
          offset += n;
          assertThat(n).isPositive();
          if (offset == data.length) {
            break;
          }
        }
        assertThat(full).as("3 MiB with nobody reading fills the socket").isEqualTo(1);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        while (got.size() < data.length - 1000) {
          buf.clear();
          int r = client.read(buf);
          got.write(buf.array(), 0, r);
          if (offset < data.length) {
            long n = Sendfile.send(sender, fd, offset, data.length - offset);
            if (n > 0) {
              offset += n;
            }
          }
        }
        byte[] expected = java.util.Arrays.copyOfRange(data, 1000, data.length);
        assertThat(got.toByteArray()).isEqualTo(expected);
        assertThat(Sendfile.send(sender, fd, data.length, 10)).as("at the file's end").isZero();
        client.close();
        // the peer is gone: the error is named, not a silent 0
        assertThatThrownBy(() -> {
          for (int i = 0; i < 100; i++) {
            Sendfile.send(sender, fd, 0, data.length);
            Thread.sleep(5);
          }
        }).isInstanceOf(NativeCallException.class).hasMessageContaining("sendfile");
        sender.close();
      }
    }
  }
}
