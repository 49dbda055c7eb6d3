package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over an in-memory datagram network (no sockets at all: TFTP traffic may only flow in lab namespaces,
 * see {@link TftpRealClientsLabIT}).
 */
class TftpServerTest {
  static final InetAddress SERVER_IP = InetAddress.ofLiteral("192.0.2.1");
  static final InetSocketAddress LISTEN = new InetSocketAddress(SERVER_IP, 69);

  /** Datagrams between fake endpoints; each endpoint has an inbox. */
  static final class FakeNetwork implements DatagramEndpoint.Factory {
    final Map<InetSocketAddress, BlockingQueue<DatagramEndpoint.Received>> inboxes = new ConcurrentHashMap<>();
    final AtomicInteger nextPort = new AtomicInteger(50000);

    @Override
    public DatagramEndpoint open(InetSocketAddress bind) {
      InetSocketAddress local =
          bind.getPort() == 0 ? new InetSocketAddress(bind.getAddress(), nextPort.getAndIncrement()) : bind;
      BlockingQueue<DatagramEndpoint.Received> inbox = new LinkedBlockingQueue<>();
      inboxes.put(local, inbox);
      opened.add(local);
      return new DatagramEndpoint() {
        volatile boolean closed;

        @Override
        public Received receive(ByteBuffer buffer, Duration timeout) throws IOException {
          try {
            while (true) {
              if (closed) {
                throw new ClosedChannelException();
              }
              Received r =
                  timeout == null ? inbox.poll(50, TimeUnit.MILLISECONDS) : inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
              if (r != null || timeout != null) {
                if (closed) {
                  throw new ClosedChannelException();
                }
                return r;
              }
            }
          } catch (InterruptedException e) {
            throw new ClosedChannelException();
          }
        }

        @Override
        public void send(ByteBuffer data, InetSocketAddress target) {
          deliver(local, target, data);
        }

        @Override
        public void send(ByteBuffer data, InetSocketAddress target, InetAddress source) {
          if (source != null) {
            sources.add(source);
          }
          deliver(local, target, data);
        }

        @Override
        public InetSocketAddress localAddress() {
          return local;
        }

        @Override
        public void close() {
          closed = true;
          inboxes.remove(local);
        }
      };
    }

    /** Interface index a datagram to this local address "arrives on" (what IP_PKTINFO would report). */
    final Map<InetAddress, Integer> arrivalInterface = new ConcurrentHashMap<>();
    final List<InetSocketAddress> opened = new CopyOnWriteArrayList<>();
    /** Source addresses asked for by {@link DatagramEndpoint#send(ByteBuffer, InetSocketAddress, InetAddress)}. */
    final List<InetAddress> sources = new CopyOnWriteArrayList<>();

    void deliver(InetSocketAddress from, InetSocketAddress to, ByteBuffer data) {
      byte[] copy = new byte[data.remaining()];
      data.get(copy);
      var inbox = inboxes.get(to);
      if (inbox == null) { // a wildcard listener gets it, like a socket bound to 0.0.0.0
        inbox = inboxes.get(new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), to.getPort()));
      }
      if (inbox != null) {
        inbox.add(
            new DatagramEndpoint.Received(
                from, ByteBuffer.wrap(copy), arrivalInterface.getOrDefault(to.getAddress(), 0), to.getAddress()));
      }
    }

    /** A client port: sends from it, receives what the server sends to it. */
    Client client(int port) {
      var addr = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.10"), port);
      var inbox = new LinkedBlockingQueue<DatagramEndpoint.Received>();
      inboxes.put(addr, inbox);
      return new Client(this, addr, inbox);
    }
  }

  record Client(FakeNetwork net, InetSocketAddress address, BlockingQueue<DatagramEndpoint.Received> inbox) {
    void send(InetSocketAddress to, TftpPacket p) {
      sendRaw(to, TftpCodec.encode(p));
    }

    void sendRaw(InetSocketAddress to, byte[] bytes) {
      net.deliver(address, to, ByteBuffer.wrap(bytes));
    }

    /** Next packet and its source; the bound only keeps a broken server from hanging the suite. */
    DatagramEndpoint.Received next() throws Exception {
      var r = inbox.poll(20, TimeUnit.SECONDS);
      assertThat(r).as("a reply").isNotNull();
      return r;
    }

    TftpPacket nextPacket() throws Exception {
      var r = next();
      byte[] b = new byte[r.data().remaining()];
      r.data().get(b);
      return TftpCodec.decode(b);
    }
  }

  @TempDir Path root;
  FakeNetwork net;
  TftpServer server;
  final List<Object> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Files.writeString(root.resolve("hello.txt"), "hello\n");
    net = new FakeNetwork();
    TftpEvents journal =
        new TftpEvents() {
          @Override
          public void transferStarted(TransferStarted e) {
            events.add(e);
          }

          @Override
          public void transferProgress(TransferProgress e) {
            events.add(e);
          }

          @Override
          public void transferCompleted(TransferCompleted e) {
            events.add(e);
          }

          @Override
          public void transferDeclined(TransferDeclined e) {
            events.add(e);
          }

          @Override
          public void transferFailed(TransferFailed e) {
            events.add(e);
          }

          @Override
          public void requestRefused(RequestRefused e) {
            events.add(e);
          }
        };
    var config =
        new TftpServer.Config(List.of(LISTEN), 2, 1500, new ReadTransfer.Settings(1468, 64, Duration.ofMillis(200), 2));
    server = new TftpServer(config, new TftpPathResolver(root), journal, net);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Waits for the server to journal an event; the bound only keeps a broken server from hanging the suite. */
  void awaitEvent(Class<?> type) throws InterruptedException {
    for (int i = 0; i < 2000 && events.stream().noneMatch(type::isInstance); i++) {
      Thread.sleep(10);
    }
    assertThat(events).as("journal").anyMatch(type::isInstance);
  }

  static TftpPacket.ReadRequest rrq(String name, TftpOption... options) {
    return new TftpPacket.ReadRequest(name, TransferMode.OCTET, List.of(options));
  }

  @Test
  void servesAFileFromAFreshPortAndJournalsIt() throws Exception {
    Client c = net.client(1000);
    c.send(LISTEN, rrq("hello.txt", new TftpOption("tsize", "0")));
    var oack = c.next();
    assertThat(oack.source().getPort()).isNotEqualTo(69);
    InetSocketAddress tid = oack.source();
    c.send(tid, new TftpPacket.Ack(0));
    assertThat(c.nextPacket()).isEqualTo(new TftpPacket.Data(1, "hello\n".getBytes(StandardCharsets.US_ASCII)));
    // another port talking to this transfer gets ERROR 5 and does not disturb it
    Client intruder = net.client(1001);
    intruder.send(tid, new TftpPacket.Ack(1));
    assertThat(intruder.nextPacket()).isInstanceOf(TftpPacket.Error.class).extracting(p -> ((TftpPacket.Error) p).code()).isEqualTo(5);
    c.send(tid, new TftpPacket.Ack(1));
    awaitEvent(TftpEvents.TransferCompleted.class);
    assertThat(server.counters().get("transfers.completed")).isEqualTo(1);
    assertThat(server.counters().get("bytes")).isEqualTo(6);
    assertThat(server.counters().get("unknown_tid")).isEqualTo(1);
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOf(TftpEvents.TransferStarted.class);
    assertThat(((TftpEvents.TransferCompleted) events.get(1)).bytes()).isEqualTo(6);
  }

  @Test
  void aSlowTransferReportsProgressAtMostOnceASecondAndNeverAfterItsEnd() throws Exception {
    byte[] data = new byte[512 * 6 + 100];
    new java.util.Random(1).nextBytes(data);
    Files.write(root.resolve("slow.bin"), data);
    Client c = net.client(1002);
    c.send(LISTEN, rrq("slow.bin", new TftpOption("blksize", "512"), new TftpOption("timeout", "5")));
    InetSocketAddress tid = c.next().source();
    long t0 = System.nanoTime();
    c.send(tid, new TftpPacket.Ack(0));
    for (int block = 1; block <= 7; block++) {
      assertThat(c.nextPacket()).isInstanceOf(TftpPacket.Data.class);
      Thread.sleep(400); // a slow client: 7 blocks take ~2.8 s
      c.send(tid, new TftpPacket.Ack(block));
    }
    awaitEvent(TftpEvents.TransferCompleted.class);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    List<Long> progress = events.stream().filter(e -> e instanceof TftpEvents.TransferProgress)
        .map(e -> ((TftpEvents.TransferProgress) e).bytes()).toList();
    assertThat(progress).isNotEmpty().hasSizeLessThanOrEqualTo((int) seconds).isSorted()
        .allMatch(n -> n > 0 && n < data.length);
    assertThat(events.getLast()).isInstanceOf(TftpEvents.TransferCompleted.class);
  }

  @Test
  void writeRequestsAreRefusedReadOnly() throws Exception {
    Client c = net.client(1000);
    c.send(LISTEN, new TftpPacket.WriteRequest("x", TransferMode.OCTET, List.of()));
    assertThat(c.nextPacket()).isEqualTo(new TftpPacket.Error(2, "bootline is read-only"));
    assertThat(server.counters().get("refused.read_only")).isEqualTo(1);
    assertThat(Files.exists(root.resolve("x"))).isFalse();
  }

  @Test
  void unknownOpcodeGetsError4AndMalformedIsDroppedListenerSurvives() throws Exception {
    Client c = net.client(1000);
    c.sendRaw(LISTEN, new byte[] {0, 9, 1, 2});
    assertThat(c.nextPacket()).isInstanceOf(TftpPacket.Error.class).extracting(p -> ((TftpPacket.Error) p).code()).isEqualTo(4);
    c.sendRaw(LISTEN, new byte[] {0, 1, 'a'});
    c.sendRaw(LISTEN, new byte[] {0});
    c.sendRaw(LISTEN, "\0\1f\0mail\0".getBytes(StandardCharsets.ISO_8859_1));
    c.send(LISTEN, rrq("missing.bin"));
    // the first reply after the garbage is the answer to the valid request: garbage got none
    assertThat(c.nextPacket()).isEqualTo(new TftpPacket.Error(1, "file not found"));
    assertThat(server.counters().get("malformed.no_terminator")).isEqualTo(1);
    assertThat(server.counters().get("malformed.truncated")).isEqualTo(1);
    assertThat(server.counters().get("malformed.bad_mode")).isEqualTo(1);
    assertThat(server.counters().get("refused.not_found")).isEqualTo(1);
  }

  @Test
  void aStalledClientHoldsOnlyItsOwnSlotUntilItTimesOut() throws Exception {
    Client stalled = net.client(1000);
    stalled.send(LISTEN, rrq("hello.txt"));
    var first = stalled.next(); // DATA 1, never acknowledged
    assertThat(first.source().getPort()).isNotEqualTo(69);
    Client other = net.client(2000);
    other.send(LISTEN, rrq("hello.txt"));
    var data = other.next();
    other.send(data.source(), new TftpPacket.Ack(1));
    // the stalled client gets its retransmissions (2 retries), then the server gives up
    assertThat(stalled.nextPacket()).isEqualTo(new TftpPacket.Data(1, "hello\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(stalled.nextPacket()).isEqualTo(new TftpPacket.Data(1, "hello\n".getBytes(StandardCharsets.US_ASCII)));
    awaitEvent(TftpEvents.TransferFailed.class);
    assertThat(server.counters().get("transfers.completed")).isEqualTo(1);
    assertThat(server.counters().get("failed.retries_exhausted")).isEqualTo(1);
  }

  @Test
  void requestsBeyondTheConcurrencyLimitAreTurnedAway() throws Exception {
    for (int port = 1000; port < 1002; port++) {
      net.client(port).send(LISTEN, rrq("hello.txt"));
    }
    Client late = net.client(3000);
    // both slots are held until those clients answer or time out; wait until both transfers sent their DATA
    for (int i = 0; i < 2000 && server.counters().get("transfers.started") < 2; i++) {
      Thread.sleep(10);
    }
    assertThat(server.counters().get("transfers.started")).isEqualTo(2);
    late.send(LISTEN, rrq("hello.txt"));
    assertThat(late.nextPacket()).isEqualTo(new TftpPacket.Error(0, "server busy, try again"));
    assertThat(server.counters().get("refused.busy")).isEqualTo(1);
  }

  @Test
  void ovmfDeclineIsNotAFailure() throws Exception {
    Client c = net.client(1000);
    c.send(LISTEN, rrq("hello.txt", new TftpOption("tsize", "0"), new TftpOption("blksize", "1468")));
    var oack = c.next();
    c.send(oack.source(), new TftpPacket.Error(8, "User aborted the transfer"));
    awaitEvent(TftpEvents.TransferDeclined.class);
    assertThat(server.counters().get("transfers.declined")).isEqualTo(1);
    assertThat(server.counters().get("transfers.failed")).isZero();
    assertThat(events).last().isInstanceOf(TftpEvents.TransferDeclined.class);
  }
}
