package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File fetches handled on Jetty's selector thread (no hand-off to a request thread): many kept-alive clients at once
 * must still get exact bodies, HEAD and Range answers, and one init + complete event per fetch; a slow fetch listener
 * (a journal that stopped taking events) sends fetches to virtual threads; extra routes never run on the selector.
 * HTTP only on loopback.
 */
class InPlaceFetchTest {
  static final String MAC = "52:54:00:12:34:56";

  @TempDir Path dir;
  BootHttpServer server;
  byte[] big;
  byte[] small;
  final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
  /** Fetch listener calls made on a virtual thread (a fetch handled off the selector). */
  final AtomicInteger listenerOnVirtual = new AtomicInteger();
  final AtomicInteger listenerOnPlatform = new AtomicInteger();
  volatile long listenerSleepMillis;

  void start(List<BootHttpServer.Route> routes) throws Exception {
    Path netboot = dir.resolve("netboot");
    Files.createDirectories(netboot.resolve(MAC));
    big = new byte[1024 * 1024 + 4099]; // mapped and sent with sendfile (>= MappedFileContent.MIN_MAPPED)
    new Random(1).nextBytes(big);
    small = new byte[10_007]; // Jetty's buffered copy
    new Random(2).nextBytes(small);
    Files.write(netboot.resolve(MAC + "/big.img"), big);
    Files.write(netboot.resolve(MAC + "/small.img"), small);
    server = new BootHttpServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), Optional.of(netboot),
        new IpxeCatalog(Map.of(BootlineConfig.IpxeTarget.X86_64_EFI, netboot.resolve(MAC + "/big.img"))), (mac, remote, path, sent, total, state) -> {
          (Thread.currentThread().isVirtual() ? listenerOnVirtual : listenerOnPlatform).incrementAndGet();
          events.add(path + " " + state + " " + sent + "/" + total);
          long sleep = listenerSleepMillis;
          if (sleep > 0) {
            listenerSleepMillis = 0;
            try {
              Thread.sleep(sleep);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    routes.forEach(server::addRoute);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void manyKeptAliveClientsGetExactBodiesHeadAndRangesHandledOnTheSelector() throws Exception {
    start(List.of());
    server.slowCall(java.time.Duration.ofSeconds(30)); // not about backing off: a busy test machine must not trip it
    int clients = 24;
    int rounds = 6; // per client and round: 6 requests on one connection
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int seed = c;
        done.add(pool.submit(() -> {
          try (Client cl = new Client(server.ports().getFirst())) {
            Random r = new Random(seed);
            for (int i = 0; i < rounds; i++) {
              Reply whole = cl.send("GET", "big.img", "");
              assertThat(whole.status).isEqualTo(200);
              assertThat(whole.body).isEqualTo(big);
              Reply head = cl.send("HEAD", "big.img", "");
              assertThat(head.status).isEqualTo(200);
              assertThat(head.headers).containsEntry("content-length", String.valueOf(big.length));
              assertThat(head.body).isEmpty();
              int from = r.nextInt(big.length / 2);
              int to = from + 300_000 + r.nextInt(big.length / 2 - 300_000); // large enough for the mapped path
              Reply range = cl.send("GET", "big.img", "Range: bytes=" + from + "-" + to + "\r\n");
              assertThat(range.status).isEqualTo(206);
              assertThat(range.headers).containsEntry("content-range", "bytes " + from + "-" + to + "/" + big.length);
              assertThat(range.body).isEqualTo(Arrays.copyOfRange(big, from, to + 1));
              Reply smallWhole = cl.send("GET", "small.img", "");
              assertThat(smallWhole.body).isEqualTo(small);
              Reply smallRange = cl.send("GET", "small.img", "Range: bytes=-100\r\n");
              assertThat(smallRange.status).isEqualTo(206);
              assertThat(smallRange.body).isEqualTo(Arrays.copyOfRange(small, small.length - 100, small.length));
              Reply missing = cl.send("GET", "nope.img", "");
              assertThat(missing.status).isEqualTo(404);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    int requests = clients * rounds * 6;
    int fetches = clients * rounds * 5; // every request but the 404 is a file served
    // a fetch's "complete" is reported when its last write is acknowledged, which can be just after the client read it
    await(() -> server.activeFetches() == 0);
    assertThat(server.requestsInPlace()).as("every request handled on the selector thread").isEqualTo(requests);
    assertThat(server.inPlaceBackOffs()).isZero();
    assertThat(listenerOnVirtual.get()).as("no fetch was handed to a virtual thread").isZero();
    assertThat(events.stream().filter(e -> e.startsWith("mac/big.img init")).count()).isEqualTo(3L * clients * rounds);
    assertThat(events.stream().filter(e -> e.endsWith(" complete " + big.length + "/" + big.length)).count())
        .as("each whole GET of big.img completed in full").isEqualTo((long) clients * rounds);
    assertThat(events.stream().filter(e -> e.endsWith(" complete 0/" + big.length)).count())
        .as("each HEAD of big.img completed, with no body sent").isEqualTo((long) clients * rounds);
    assertThat(events.stream().filter(e -> e.contains(" complete ")).count()).isEqualTo(fetches);
    assertThat(events.stream().filter(e -> e.contains(" error ")).count()).isEqualTo((long) clients * rounds);
    assertThat(server.fetchesByResult()).containsEntry("complete", (long) fetches).containsEntry("error", 0L)
        .containsEntry("not_found", (long) clients * rounds);
    assertThat(server.activeFetches()).isZero();
  }

  @Test
  void aSlowFetchListenerSendsFetchesToVirtualThreadsForAWhile() throws Exception {
    start(List.of());
    server.slowCall(java.time.Duration.ofMillis(30));
    try (Client cl = new Client(server.ports().getFirst())) {
      assertThat(cl.send("GET", "small.img", "").body).isEqualTo(small);
      await(() -> events.size() == 2);
      assertThat(listenerOnPlatform.get()).as("in place: init and complete on the selector").isEqualTo(2);
      listenerSleepMillis = 200; // the journal's hand-off queue is full: record() waits
      assertThat(cl.send("GET", "big.img", "").body).isEqualTo(big);
      assertThat(server.inPlaceBackOffs()).isEqualTo(1);
      long inPlace = server.requestsInPlace();
      for (int i = 0; i < 3; i++) {
        assertThat(cl.send("GET", "big.img", "").body).isEqualTo(big);
        assertThat(cl.send("GET", "small.img", "Range: bytes=5-9\r\n").body).isEqualTo(Arrays.copyOfRange(small, 5, 10));
      }
      assertThat(server.requestsInPlace()).as("backing off: none in place").isEqualTo(inPlace);
      assertThat(listenerOnVirtual.get()).as("each later fetch's init ran on a virtual thread").isGreaterThanOrEqualTo(6);
    }
    await(() -> server.activeFetches() == 0);
    assertThat(server.fetchesByResult()).containsEntry("complete", 8L);
  }

  @Test
  void extraRoutesRunOnVirtualThreadsAndOthersFallThroughToFiles() throws Exception {
    AtomicBoolean routeOnVirtual = new AtomicBoolean();
    AtomicInteger asked = new AtomicInteger();
    BootHttpServer.Route blocking = (request, response, callback) -> {
      asked.incrementAndGet();
      if (!request.getHttpURI().getPath().equals("/slow")) {
        return false;
      }
      routeOnVirtual.set(Thread.currentThread().isVirtual());
      Thread.sleep(50); // may block: it is not on the selector
      response.write(true, java.nio.ByteBuffer.wrap("slow\n".getBytes(StandardCharsets.US_ASCII)), callback);
      return true;
    };
    start(List.of(blocking));
    try (Client cl = new Client(server.ports().getFirst())) {
      Reply slow = cl.sendPath("GET", "/slow", "");
      assertThat(slow.status).isEqualTo(200);
      assertThat(new String(slow.body, StandardCharsets.US_ASCII)).isEqualTo("slow\n");
      assertThat(routeOnVirtual).isTrue();
      // a route without mayHandle may claim anything: file fetches go through it, off the selector, and still work
      assertThat(cl.send("GET", "big.img", "").body).isEqualTo(big);
      assertThat(asked.get()).isEqualTo(2);
      assertThat(server.requestsInPlace()).isZero();
    }
  }

  @Test
  void theBootScriptAndEventsRoutesOnlyClaimTheirOwnPaths() throws Exception {
    var script = new BootScriptRoute(mac -> Optional.empty(), (mac, ip, name, detail, s) -> null);
    start(List.of(script));
    try (Client cl = new Client(server.ports().getFirst())) {
      assertThat(cl.send("GET", "big.img", "").body).isEqualTo(big);
      assertThat(server.requestsInPlace()).isEqualTo(1);
      assertThat(cl.send("GET", "boot.ipxe", "").status).as("no assignment, no file").isEqualTo(404);
      assertThat(server.requestsInPlace()).as("boot.ipxe is the script route's: off the selector").isEqualTo(1);
    }
  }

  static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("within 5 s").isTrue();
  }

  record Reply(int status, Map<String, String> headers, byte[] body) {}

  /** One kept-alive HTTP/1.1 connection, read by Content-Length. */
  static final class Client implements AutoCloseable {
    final Socket socket = new Socket();
    final DataInputStream in;
    final OutputStream out;

    Client(int port) throws IOException {
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(30_000);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
      out = socket.getOutputStream();
    }

    Reply send(String method, String file, String extraHeaders) throws IOException {
      return sendPath(method, "/mac/525400123456/" + file, extraHeaders);
    }

    Reply sendPath(String method, String path, String extraHeaders) throws IOException {
      out.write((method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = line();
      int code = Integer.parseInt(status.split(" ")[1]);
      Map<String, String> headers = new java.util.HashMap<>();
      for (String h; !(h = line()).isEmpty(); ) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      assertThat(headers).as("a kept-alive connection needs a length").containsKey("content-length");
      byte[] body = method.equals("HEAD") ? new byte[0] : new byte[Integer.parseInt(headers.get("content-length"))];
      in.readFully(body);
      return new Reply(code, headers, body);
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("connection closed mid-header");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
