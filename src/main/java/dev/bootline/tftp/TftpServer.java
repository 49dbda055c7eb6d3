package dev.bootline.tftp;

import dev.bootline.wire.MalformedPacketException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only TFTP server. Each listener (one per bind address, e.g. {@code 0.0.0.0:69} and {@code [::]:69}) only
 * decodes requests; every accepted read request gets its own ephemeral-port socket (its TID) and its own virtual
 * thread running a {@link ReadTransfer}, so a stalled client only ever holds its own transfer slot until it times out.
 *
 * <p>Write requests are refused with ERROR 2, unknown opcodes with ERROR 4; malformed datagrams are dropped and counted
 * and never stop a listener. Usage:
 *
 * <pre>{@code
 * var resolver = new TftpPathResolver(root, (mac, rest) -> ipxeCatalog.resolve(rest));
 * var server = new TftpServer(TftpServer.Config.defaults(List.of(new InetSocketAddress("0.0.0.0", 69))),
 *     resolver, journalEvents);
 * server.start();   // binds, throws IOException if a port is taken
 * ...
 * server.counters().snapshot();
 * server.close();
 * }</pre>
 */
public final class TftpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TftpServer.class);
  public static final String READ_ONLY_MESSAGE = "bootline is read-only";
  /** {@link TftpEvents#transferProgress} at most this often per transfer. */
  public static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  /**
   * @param listen addresses to bind (port 69 in production; port 0 picks one, see {@link #boundAddresses()})
   * @param maxConcurrentTransfers requests beyond this get ERROR 0 "server busy"
   * @param mtu fallback MTU when the arrival interface's is unknown (java.nio listener, interface gone); caps blksize
   *     at MTU - IP - UDP - TFTP headers per client address family
   * @param transfer retransmission settings ({@code maxBlockSize} is replaced per client from {@code mtu})
   */
  public record Config(
      List<InetSocketAddress> listen, int maxConcurrentTransfers, int mtu, ReadTransfer.Settings transfer) {
    public Config {
      listen = List.copyOf(listen);
      Objects.requireNonNull(transfer);
      if (listen.isEmpty() || maxConcurrentTransfers < 1 || mtu < 68) {
        throw new IllegalArgumentException("bad TFTP server config");
      }
    }

    public static Config defaults(List<InetSocketAddress> listen) {
      return new Config(listen, 64, 1500, ReadTransfer.Settings.DEFAULTS);
    }
  }

  private final Config config;
  private final TftpPathResolver resolver;
  private final TftpEvents events;
  private final DatagramEndpoint.Factory sockets;
  private final InterfaceMtu mtus;
  private final TftpCounters counters = new TftpCounters();
  private final Semaphore slots;
  private final Set<InetSocketAddress> activeClients = ConcurrentHashMap.newKeySet();
  private final Set<DatagramEndpoint> openEndpoints = ConcurrentHashMap.newKeySet();
  private final List<DatagramEndpoint> listeners = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private ExecutorService threads;
  private volatile boolean running;

  /**
   * @param sockets how listener and transfer sockets are opened ({@link DatagramEndpoint.Factory#PKTINFO} in
   *     production: replies come from the address the client talked to, blksize follows the arrival interface)
   * @param mtus MTU of an interface by index, for the interface each request arrived on
   */
  public TftpServer(
      Config config,
      TftpPathResolver resolver,
      TftpEvents events,
      DatagramEndpoint.Factory sockets,
      InterfaceMtu mtus) {
    this.config = Objects.requireNonNull(config);
    this.resolver = Objects.requireNonNull(resolver);
    this.events = Objects.requireNonNull(events);
    this.sockets = Objects.requireNonNull(sockets);
    this.mtus = Objects.requireNonNull(mtus);
    this.slots = new Semaphore(config.maxConcurrentTransfers());
  }

  public TftpServer(Config config, TftpPathResolver resolver, TftpEvents events, DatagramEndpoint.Factory sockets) {
    this(config, resolver, events, sockets, InterfaceMtu.UNKNOWN);
  }

  public TftpServer(Config config, TftpPathResolver resolver, TftpEvents events) {
    this(config, resolver, events, DatagramEndpoint.Factory.NIO);
  }

  /** Binds every listen address (all or none) and starts serving. */
  public synchronized void start() throws IOException {
    if (running) {
      throw new IllegalStateException("already started");
    }
    try {
      for (InetSocketAddress a : config.listen()) {
        DatagramEndpoint ep = sockets.open(a);
        listeners.add(ep);
        bound.add(ep.localAddress());
      }
    } catch (IOException e) {
      closeQuietly(listeners);
      listeners.clear();
      bound.clear();
      throw e;
    }
    running = true;
    // Platform threads (at most maxConcurrentTransfers): a lock-step transfer is one ACK -> DATA turnaround per block,
    // and a platform thread's timed receive is poll + recvfrom on the same thread. A virtual thread parked instead,
    // was woken by the JDK's poller thread and rescheduled on a carrier: two thread hand-offs per block, which made
    // lock-step (iPXE, most firmware) run at half tftpd-hpa's speed.
    threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("tftp-", 0).factory());
    for (DatagramEndpoint ep : listeners) {
      // platform threads: a listener may block in a native recvmsg, which would pin a virtual thread's carrier
      Thread.ofPlatform().daemon().name("tftp-listen-" + ep.localAddress().getPort()).start(() -> listen(ep));
    }
    log.info("TFTP listening on {}", bound);
  }

  /** The actual bound addresses, in {@link Config#listen()} order. */
  public synchronized List<InetSocketAddress> boundAddresses() {
    return List.copyOf(bound);
  }

  public TftpCounters counters() {
    return counters;
  }

  /** Clients with a transfer in progress (or being set up). */
  public int activeTransfers() {
    return activeClients.size();
  }

  /** Stops listening and aborts running transfers. */
  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    closeQuietly(listeners);
    closeQuietly(openEndpoints);
    threads.shutdown();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    listeners.clear();
  }

  private void listen(DatagramEndpoint ep) {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    InetSocketAddress local;
    try {
      local = ep.localAddress();
    } catch (IOException e) {
      log.error("TFTP listener has no local address", e);
      return;
    }
    while (running) {
      DatagramEndpoint.Received r;
      try {
        r = ep.receive(buf, null);
      } catch (ClosedChannelException e) {
        break;
      } catch (IOException e) {
        if (!running) {
          break;
        }
        counters.increment("listener.receive_error");
        log.debug("TFTP receive failed on {}", local, e);
        continue;
      }
      try {
        onRequestDatagram(ep, local, r);
      } catch (RuntimeException e) { // never let one datagram kill the listener
        counters.increment("listener.internal_error");
        log.warn("TFTP listener error on a datagram from {}", r.source(), e);
      }
    }
  }

  private void onRequestDatagram(DatagramEndpoint ep, InetSocketAddress local, DatagramEndpoint.Received r) {
    InetSocketAddress client = r.source();
    if (client == null || client.getPort() == 0) {
      counters.increment("malformed.source_port_zero");
      return;
    }
    byte[] bytes = new byte[r.data().remaining()];
    r.data().get(bytes);
    TftpPacket packet;
    try {
      packet = TftpCodec.decode(bytes);
    } catch (MalformedPacketException e) {
      counters.increment("malformed." + e.reason());
      if (e.reason().equals("bad_opcode")) {
        reply(ep, client, replySource(r), new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION, "unknown opcode"));
      }
      log.debug("TFTP malformed datagram from {}: {}", client, e.getMessage());
      return;
    }
    switch (packet) {
      case TftpPacket.WriteRequest w -> {
        counters.increment("requests");
        refuse(ep, client, replySource(r), w.filename(), TftpErrorCode.ACCESS_VIOLATION, "read_only", READ_ONLY_MESSAGE);
      }
      case TftpPacket.ReadRequest rrq -> {
        counters.increment("requests");
        if (!activeClients.add(client)) {
          counters.increment("duplicate_request"); // its transfer resends the OACK/DATA itself
          return;
        }
        if (!slots.tryAcquire()) {
          activeClients.remove(client);
          refuse(ep, client, replySource(r), rrq.filename(), TftpErrorCode.NOT_DEFINED, "busy", "server busy, try again");
          return;
        }
        try {
          InetSocketAddress bind = transferBind(local, r.destination());
          int mtu = mtus.mtu(r.ifIndex()).orElse(config.mtu());
          threads.submit(() -> runTransfer(bind, local, mtu, client, rrq));
        } catch (RuntimeException e) { // executor shut down while stopping
          slots.release();
          activeClients.remove(client);
        }
      }
      default -> counters.increment("unexpected." + packet.getClass().getSimpleName().toLowerCase());
    }
  }

  private void refuse(
      DatagramEndpoint ep, InetSocketAddress client, String name, TftpErrorCode code, String reason, String message) {
    refuse(ep, client, null, name, code, reason, message);
  }

  private void refuse(
      DatagramEndpoint ep,
      InetSocketAddress client,
      InetAddress source,
      String name,
      TftpErrorCode code,
      String reason,
      String message) {
    counters.increment("refused." + reason);
    reply(ep, client, source, new TftpPacket.Error(code, message));
    fire(() -> events.requestRefused(new TftpEvents.RequestRefused(name, client, code, reason)));
  }

  /**
   * Where a transfer socket binds: the unicast address the client sent its request to (so a client of a
   * multi-homed server gets its answer from the address it talked to), else the listener's own address; port 0.
   */
  static InetSocketAddress transferBind(InetSocketAddress listener, InetAddress destination) {
    InetAddress a = listener.getAddress();
    if (destination != null
        && !destination.isAnyLocalAddress()
        && !destination.isMulticastAddress()
        && !isLimitedBroadcast(destination)) {
      a = destination;
    }
    return new InetSocketAddress(a, 0);
  }

  private static boolean isLimitedBroadcast(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == -1;
  }

  /** Largest blksize that fits the MTU of the interface the request came in on, for the client's address family. */
  static int maxBlockSize(int mtu, InetSocketAddress client) {
    return OptionNegotiation.maxBlockSizeForMtu(mtu, client.getAddress() instanceof Inet6Address);
  }

  private DatagramEndpoint openTransferEndpoint(InetSocketAddress bind, InetSocketAddress listener)
      throws IOException {
    try {
      return sockets.openTransfer(bind);
    } catch (IOException e) {
      InetSocketAddress fallback = new InetSocketAddress(listener.getAddress(), 0);
      if (fallback.equals(bind)) {
        throw e;
      }
      // e.g. a subnet broadcast destination, or the address vanished: answer from the listener's address
      counters.increment("transfers.bind_fallback");
      log.debug("TFTP transfer bind to {} failed ({}); using {}", bind, e.toString(), fallback);
      return sockets.openTransfer(fallback);
    }
  }

  private void runTransfer(
      InetSocketAddress bind, InetSocketAddress local, int mtu, InetSocketAddress client, TftpPacket.ReadRequest rrq) {
    DatagramEndpoint ep = null;
    try {
      ep = openTransferEndpoint(bind, local);
      openEndpoints.add(ep);
      if (!running) {
        return;
      }
      switch (resolver.resolve(rrq.filename())) {
        case Resolution.Refused no -> refuse(ep, client, rrq.filename(), no.errorCode(), no.reason(), no.message());
        case Resolution.Found file -> serve(ep, mtu, client, rrq, file);
      }
    } catch (IOException e) {
      counters.increment("transfers.socket_error");
      log.warn("TFTP transfer socket for {} failed", client, e);
    } catch (RuntimeException e) {
      counters.increment("transfers.internal_error");
      log.error("TFTP transfer for {} crashed", client, e);
    } finally {
      if (ep != null) {
        openEndpoints.remove(ep);
        closeQuietly(List.of(ep));
      }
      activeClients.remove(client);
      slots.release();
    }
  }

  private void serve(
      DatagramEndpoint ep, int mtu, InetSocketAddress client, TftpPacket.ReadRequest rrq, Resolution.Found file)
      throws IOException {
    String name = rrq.filename();
    Optional<dev.bootline.wire.MacAddress> mac = file.mac();
    FileChannel channel;
    try {
      channel = FileChannel.open(file.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      refuse(ep, client, name, TftpErrorCode.ACCESS_VIOLATION, "open_failed", "access violation (open_failed)");
      return;
    }
    try (channel) {
      ReadTransfer.Settings settings = config.transfer().withMaxBlockSize(maxBlockSize(mtu, client));
      ReadTransfer transfer = new ReadTransfer(rrq, ByteSource.of(channel), settings);
      long started = System.nanoTime();
      ReadTransfer.Step step = transfer.start(started);
      counters.increment("transfers.started");
      if (transfer.negotiated() != null) {
        var n = transfer.negotiated();
        fire(
            () ->
                events.transferStarted(
                    new TftpEvents.TransferStarted(
                        name, file.path(), client, mac, transfer.streamLength(), n.blockSize(), n.windowSize())));
      }
      long lastProgress = started;
      ByteBuffer buf = ByteBuffer.allocate(65536);
      ByteBuffer out = ByteBuffer.allocateDirect(4 + TftpCodec.MAX_BLOCK_SIZE); // DATA goes out of this, no per-block garbage
      while (true) {
        try {
          for (TftpPacket p : step.send()) {
            ep.send(TftpCodec.encode(p, out), client);
          }
        } catch (IOException e) { // e.g. the socket was closed by close(), or the route vanished
          log.debug("TFTP send to {} failed", client, e);
          step = new ReadTransfer.Step(List.of(), 0, ReadTransfer.Status.FAILED, running ? "send_error" : "server_stopped");
          break;
        }
        if (step.finished()) {
          break;
        }
        long wait = step.deadlineNanos() - System.nanoTime();
        if (wait <= 0) {
          step = transfer.onTimer(System.nanoTime());
          continue;
        }
        DatagramEndpoint.Received r;
        try {
          r = ep.receive(buf, Duration.ofNanos(wait));
        } catch (ClosedChannelException e) {
          step = new ReadTransfer.Step(List.of(), 0, ReadTransfer.Status.FAILED, "server_stopped");
          break;
        }
        if (r == null) {
          step = transfer.onTimer(System.nanoTime());
          continue;
        }
        step = new ReadTransfer.Step(List.of(), step.deadlineNanos(), ReadTransfer.Status.RUNNING, "");
        if (!client.equals(r.source())) {
          // RFC 1350: a packet from another TID gets ERROR 5 and does not disturb this transfer
          counters.increment("unknown_tid");
          ep.send(ByteBuffer.wrap(TftpCodec.encode(new TftpPacket.Error(TftpErrorCode.UNKNOWN_TRANSFER_ID, "unknown transfer ID"))), r.source());
          continue;
        }
        byte[] bytes = new byte[r.data().remaining()];
        r.data().get(bytes);
        try {
          long now = System.nanoTime();
          step = transfer.onPacket(TftpCodec.decode(bytes), now);
          if (!step.finished() && now - lastProgress >= PROGRESS_EVERY.toNanos()) {
            lastProgress = now;
            long acked = transfer.bytesAcknowledged();
            fire(() -> events.transferProgress(
                new TftpEvents.TransferProgress(name, client, mac, acked, transfer.streamLength())));
          }
        } catch (MalformedPacketException e) {
          counters.increment("malformed." + e.reason());
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      long bytes = transfer.bytesAcknowledged();
      counters.add("bytes", bytes);
      ReadTransfer.Step end = step;
      switch (end.status()) {
        case COMPLETED -> {
          counters.increment("transfers.completed");
          fire(() -> events.transferCompleted(new TftpEvents.TransferCompleted(name, client, mac, bytes, took)));
        }
        case DECLINED -> {
          counters.increment("transfers.declined");
          fire(() -> events.transferDeclined(new TftpEvents.TransferDeclined(name, client, mac)));
        }
        default -> {
          counters.increment("transfers.failed");
          counters.increment("failed." + end.reason());
          fire(() -> events.transferFailed(new TftpEvents.TransferFailed(name, client, mac, end.reason(), bytes, took)));
        }
      }
    }
  }

  /** A listener's reply comes from the unicast address the request was sent to, when known. */
  private static InetAddress replySource(DatagramEndpoint.Received r) {
    InetAddress a = transferBind(new InetSocketAddress(0), r.destination()).getAddress();
    return a.isAnyLocalAddress() ? null : a;
  }

  private void reply(DatagramEndpoint ep, InetSocketAddress client, InetAddress source, TftpPacket packet) {
    try {
      ep.send(ByteBuffer.wrap(TftpCodec.encode(packet)), client, source);
    } catch (IOException e) {
      counters.increment("send_error");
      log.debug("TFTP send to {} failed", client, e);
    }
  }

  private void fire(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("TFTP event listener failed", e);
    }
  }

  private static void closeQuietly(Iterable<DatagramEndpoint> eps) {
    for (DatagramEndpoint ep : eps) {
      try {
        ep.close();
      } catch (IOException e) {
        // closing: nothing to do
      }
    }
  }
}
