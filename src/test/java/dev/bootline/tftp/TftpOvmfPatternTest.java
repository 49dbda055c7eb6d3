package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OVMF's (EDK2 Mtftp4) way of fetching a boot file: a first RRQ {@code tsize 0 blksize 1468 windowsize 4} only to learn
 * the size, answered by OACK and then abandoned with ERROR 8; a second RRQ with the same options from a fresh port
 * that runs the whole windowed transfer. Here one DATA block of the second transfer is lost on the way, so the client
 * acknowledges the last block it got in order (RFC 7440 §4) and the server resumes after it. Checked on the pure state
 * machine and on the whole server over the in-memory network of {@link TftpServerTest}.
 */
class TftpOvmfPatternTest {
  static final int BLK = 1468;
  static final int WINDOW = 4;
  /** 23 full blocks and a short one: six windows of four, the last one partial. */
  static final byte[] CONTENT = random(BLK * 23 + 321, 20260201);

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static List<TftpOption> ovmfOptions() {
    return List.of(new TftpOption("tsize", "0"), new TftpOption("blksize", "1468"), new TftpOption("windowsize", "4"));
  }

  static TftpPacket.ReadRequest ovmfRrq() {
    return new TftpPacket.ReadRequest("ipxe.efi", TransferMode.OCTET, ovmfOptions());
  }

  static final List<TftpOption> EXPECTED_OACK =
      List.of(
          new TftpOption("tsize", Integer.toString(CONTENT.length)),
          new TftpOption("blksize", "1468"),
          new TftpOption("windowsize", "4"));

  /** The client side of a windowed transfer with one lost DATA packet. */
  static final class WindowedClient {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    final int dropBlock;
    long expected = 1;
    long windowStart = 1;
    boolean dropped;
    boolean done;
    int acksSent;
    int outOfOrder;

    WindowedClient(int dropBlock) {
      this.dropBlock = dropBlock;
    }

    /** What the client answers to one DATA packet the server sent (null: nothing, or the packet was "lost"). */
    TftpPacket.Ack onData(TftpPacket.Data d) {
      if (!dropped && d.block() == dropBlock) {
        dropped = true;
        return null; // lost on the wire
      }
      if (d.block() != (int) (expected & 0xffff)) {
        outOfOrder++;
        // a gap: acknowledge the last block received in order, once per window (RFC 7440 §4)
        if (windowStart != -1) {
          windowStart = -1;
          acksSent++;
          return new TftpPacket.Ack((int) ((expected - 1) & 0xffff));
        }
        return null;
      }
      if (windowStart == -1) {
        windowStart = expected; // the server resumed right after our ACK
      }
      got.writeBytes(d.payload());
      boolean last = d.payload().length < BLK;
      expected++;
      if (last || expected - windowStart == WINDOW) {
        windowStart = expected;
        done = last;
        acksSent++;
        return new TftpPacket.Ack(d.block());
      }
      return null;
    }
  }

  @Test
  void stateMachineDeclineThenFullWindowedTransferWithALostPacket() {
    var settings = new ReadTransfer.Settings(1468, 64, Duration.ofSeconds(1), 5);
    // 1st RRQ: learn tsize, abandon with ERROR 8
    var probe = new ReadTransfer(ovmfRrq(), ByteSource.of(CONTENT), settings);
    var s = probe.start(0);
    assertThat(s.send()).containsExactly(new TftpPacket.OptionAck(EXPECTED_OACK));
    s = probe.onPacket(new TftpPacket.Error(8, "User aborted the transfer"), 1);
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.DECLINED);
    assertThat(s.reason()).isEqualTo("declined_options");
    assertThat(s.send()).isEmpty();

    // 2nd RRQ, same options: the whole file, block 6 (second window) lost once
    var t = new ReadTransfer(ovmfRrq(), ByteSource.of(CONTENT), settings);
    s = t.start(10);
    assertThat(s.send()).containsExactly(new TftpPacket.OptionAck(EXPECTED_OACK));
    s = t.onPacket(new TftpPacket.Ack(0), 11);
    WindowedClient client = new WindowedClient(6);
    long now = 12;
    for (int rounds = 0; rounds < 100 && !s.finished(); rounds++) {
      TftpPacket.Ack answer = null;
      for (TftpPacket p : s.send()) {
        assertThat(p).isInstanceOf(TftpPacket.Data.class);
        assertThat(s.send().size()).isLessThanOrEqualTo(WINDOW);
        TftpPacket.Ack a = client.onData((TftpPacket.Data) p);
        if (a != null) {
          answer = a; // at most one ACK per window reaches the server here; later ones would be duplicates
          s = t.onPacket(a, ++now);
          break;
        }
      }
      if (answer == null) {
        s = t.onTimer(now += 2_000_000_000L); // the window ended in silence: the server times out and resends
      }
    }
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.COMPLETED);
    assertThat(client.dropped).isTrue();
    assertThat(client.outOfOrder).isPositive();
    assertThat(client.got.toByteArray()).isEqualTo(CONTENT);
    assertThat(t.bytesAcknowledged()).isEqualTo(CONTENT.length);
  }

  // ---- the same over the whole server ----

  @TempDir Path root;
  TftpServerTest.FakeNetwork net;
  TftpServer server;

  @BeforeEach
  void start() throws Exception {
    Files.write(root.resolve("ipxe.efi"), CONTENT);
    net = new TftpServerTest.FakeNetwork();
    var config =
        new TftpServer.Config(
            List.of(TftpServerTest.LISTEN), 4, 1500, new ReadTransfer.Settings(1468, 64, Duration.ofMillis(300), 3));
    server = new TftpServer(config, new TftpPathResolver(root), new TftpEvents() {}, net);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void serverCountsOneDeclinedAndOneCompletedAndTheFileArrivesWhole() throws Exception {
    // 1st RRQ from one port: OACK with the size, then ERROR 8
    TftpServerTest.Client first = net.client(1100);
    first.send(TftpServerTest.LISTEN, ovmfRrq());
    var oack = first.next();
    InetSocketAddress tid1 = oack.source();
    assertThat(decode(oack)).isEqualTo(new TftpPacket.OptionAck(EXPECTED_OACK));
    first.send(tid1, new TftpPacket.Error(8, "User aborted the transfer"));
    awaitCounter("transfers.declined", 1);

    // 2nd RRQ, same options, from a fresh port (a new Mtftp4 instance), block 10 lost once
    TftpServerTest.Client second = net.client(1101);
    second.send(TftpServerTest.LISTEN, ovmfRrq());
    var oack2 = second.next();
    InetSocketAddress tid2 = oack2.source();
    assertThat(tid2).isNotEqualTo(tid1);
    assertThat(decode(oack2)).isEqualTo(new TftpPacket.OptionAck(EXPECTED_OACK));
    second.send(tid2, new TftpPacket.Ack(0));
    WindowedClient client = new WindowedClient(10);
    // the bound only keeps a broken server from hanging the suite
    for (int packets = 0; packets < 500 && !client.done; packets++) {
      var r = second.next();
      assertThat(r.source()).isEqualTo(tid2);
      TftpPacket p = decode(r);
      assertThat(p).isInstanceOf(TftpPacket.Data.class);
      TftpPacket.Ack a = client.onData((TftpPacket.Data) p);
      if (a != null) {
        second.send(tid2, a);
      }
    }
    assertThat(client.done).isTrue();
    assertThat(client.dropped).isTrue();
    assertThat(client.got.toByteArray()).isEqualTo(CONTENT);
    awaitCounter("transfers.completed", 1);
    assertThat(server.counters().get("transfers.started")).isEqualTo(2);
    assertThat(server.counters().get("transfers.declined")).isEqualTo(1);
    assertThat(server.counters().get("transfers.completed")).isEqualTo(1);
    assertThat(server.counters().get("transfers.failed")).isZero();
    assertThat(server.counters().get("bytes")).isEqualTo(CONTENT.length);
  }

  static TftpPacket decode(dev.bootline.tftp.DatagramEndpoint.Received r) throws Exception {
    byte[] b = new byte[r.data().remaining()];
    r.data().get(b);
    return TftpCodec.decode(b);
  }

  void awaitCounter(String key, long value) throws InterruptedException {
    for (int i = 0; i < 2000 && server.counters().get(key) < value; i++) {
      Thread.sleep(10);
    }
    assertThat(server.counters().get(key)).as(key + " in " + server.counters()).isEqualTo(value);
  }
}
