package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.BootlineConfig.IpxeTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP only on loopback (127.0.0.1, an ephemeral port). */
class BootHttpServerTest {
  @TempDir Path dir;
  BootHttpServer server;
  HttpClient client = HttpClient.newHttpClient();
  String base;
  List<String> fetches = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path netboot = dir.resolve("netboot");
    Files.createDirectories(netboot.resolve("52:54:00:12:34:56"));
    Files.writeString(netboot.resolve("52:54:00:12:34:56/boot.ipxe"), "#!ipxe\necho hello\n");
    Files.write(netboot.resolve("52:54:00:12:34:56/disk.img"), new byte[10_000]);
    Files.writeString(dir.resolve("secret"), "secret");
    Files.createSymbolicLink(netboot.resolve("52:54:00:12:34:56/escape"), dir.resolve("secret"));
    Path efi = dir.resolve("ipxe.efi");
    Files.write(efi, new byte[] {'M', 'Z', 1, 2, 3});
    server = new BootHttpServer(
        List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), Optional.of(netboot),
        new IpxeCatalog(Map.of(IpxeTarget.X86_64_EFI, efi)),
        (mac, remote, path, sent, total, state) -> fetches.add(
            mac.map(Object::toString).orElse("-") + " " + path + " " + state + " " + sent + "/" + total));
    server.start();
    base = "http://127.0.0.1:" + server.ports().getFirst();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPerMacFilesInAnyMacNotation() throws Exception {
    for (String mac : List.of("52:54:00:12:34:56", "52-54-00-12-34-56", "525400123456", "5254.0012.3456", "52:54:00:12:34:56".toUpperCase())) {
      HttpResponse<String> r = get("/mac/" + mac + "/boot.ipxe");
      assertThat(r.statusCode()).as(mac).isEqualTo(200);
      assertThat(r.body()).isEqualTo("#!ipxe\necho hello\n");
    }
    assertThat(fetches).contains("52:54:00:12:34:56 mac/boot.ipxe init 0/18", "52:54:00:12:34:56 mac/boot.ipxe complete 18/18");
  }

  @Test
  void headGivesLengthAndRangeWorks() throws Exception {
    HttpResponse<Void> head = client.send(HttpRequest.newBuilder(URI.create(base + "/ipxe/525400123456/ipxe.efi"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("content-length")).contains("5");
    assertThat(head.headers().firstValue("content-type")).contains("application/efi");
    for (int i = 0; i < 2000 && fetches.stream().noneMatch(f -> f.contains(" complete ")); i++) {
      Thread.sleep(5);
    }
    assertThat(fetches).as("a HEAD sends no body: its fetch completes with 0 bytes sent of the file's 5")
        .contains("52:54:00:12:34:56 ipxe/ipxe.efi complete 0/5");
    HttpResponse<String> range = get("/mac/52:54:00:12:34:56/disk.img", "Range", "bytes=100-199");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).hasSize(100);
    assertThat(get("/mac/52:54:00:12:34:56/disk.img", "Range", "bytes=20000-").statusCode()).isEqualTo(416);
  }

  @Test
  void aFastFetchJournalsOnlyInitAndComplete() throws Exception {
    Files.write(dir.resolve("netboot/52:54:00:12:34:56/boot.efi"), new byte[10 * 1024 * 1024]);
    fetches.clear();
    var r = client.send(HttpRequest.newBuilder(URI.create(base + "/mac/52:54:00:12:34:56/boot.efi")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.body()).hasSize(10 * 1024 * 1024);
    for (int i = 0; i < 2000 && fetches.stream().noneMatch(f -> f.contains(" complete ")); i++) {
      Thread.sleep(5);
    }
    // progress is by time (at most once a second): 10 MiB over loopback takes far less
    assertThat(fetches).containsExactly(
        "52:54:00:12:34:56 mac/boot.efi init 0/10485760", "52:54:00:12:34:56 mac/boot.efi complete 10485760/10485760");
  }

  @Test
  void aLargeFetchReportsProgressInOrderAndItsByteCounts() throws Exception {
    server.progressEvery(java.time.Duration.ZERO); // every completed write may report, as a slow download would
    Files.write(dir.resolve("netboot/52:54:00:12:34:56/boot.efi"), new byte[10 * 1024 * 1024]);
    fetches.clear();
    var r = client.send(HttpRequest.newBuilder(URI.create(base + "/mac/52:54:00:12:34:56/boot.efi")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.body()).hasSize(10 * 1024 * 1024);
    for (int i = 0; i < 2000 && fetches.stream().noneMatch(f -> f.contains(" complete ")); i++) {
      Thread.sleep(5); // completion is reported when the last write's callback ran; bound only guards a broken server
    }
    assertThat(fetches.getFirst()).isEqualTo("52:54:00:12:34:56 mac/boot.efi init 0/10485760");
    assertThat(fetches.getLast()).isEqualTo("52:54:00:12:34:56 mac/boot.efi complete 10485760/10485760");
    List<Long> sending = fetches.stream().filter(f -> f.contains(" sending ")).map(f ->
        Long.parseLong(f.substring(f.lastIndexOf(' ') + 1, f.indexOf('/', f.lastIndexOf(' '))))).toList();
    assertThat(sending).isNotEmpty().isSorted().allMatch(n -> n > 0 && n < 10485760);
    assertThat(BootHttpServer.isUki("mac/boot.efi")).isTrue();
    assertThat(BootHttpServer.isUki("mac/notboot.efi")).isFalse();
  }

  @Test
  void aLargeIpxeBinaryBehindASymlinkIsServedWhole() throws Exception {
    // Debian's /usr/lib/ipxe/ipxe.efi is a symlink to /boot/ipxe.efi, and it is large enough for the mapped path
    byte[] data = new byte[1024 * 1024 + 333];
    new java.util.Random(3).nextBytes(data);
    Path real = Files.write(Files.createDirectories(dir.resolve("boot")).resolve("ipxe.efi"), data);
    Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("lib")).resolve("ipxe.efi"), real);
    try (BootHttpServer linked = new BootHttpServer(
        List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), Optional.empty(),
        new IpxeCatalog(Map.of(IpxeTarget.X86_64_EFI, link)), (mac, remote, path, sent, total, state) -> {})) {
      linked.start();
      var r = client.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + linked.ports().getFirst() + "/ipxe/52:54:00:12:34:56/ipxe.efi")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(data);
    }
  }

  @Test
  void largeBodiesAndRangesFromTheMappedPathAreByteExact() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 12_345]; // above MappedFileContent.MIN_MAPPED, not page-aligned
    new java.util.Random(42).nextBytes(data);
    Files.write(dir.resolve("netboot/52:54:00:12:34:56/kernel"), data);
    String url = base + "/mac/52:54:00:12:34:56/kernel";
    var whole = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValue("content-length")).contains(String.valueOf(data.length));
    assertThat(whole.body()).isEqualTo(data);
    assertThat(server.bytesSentByFile()).as("plain HTTP sends large bodies by sendfile").isEqualTo(data.length);
    assertThat(server.bodiesCorked()).as("header and body corked as nginx's tcp_nopush, and uncorked at the end")
        .isEqualTo(1);
    var head = client.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.headers().firstValue("content-length")).contains(String.valueOf(data.length));
    assertThat(head.body()).isEmpty();
    // a range that starts mid-page and is itself large enough to be mapped
    var range = client.send(HttpRequest.newBuilder(URI.create(url)).header("Range", "bytes=300001-1300000").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("content-range")).contains("bytes 300001-1300000/" + data.length);
    assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 300001, 1300001));
    var tail = client.send(HttpRequest.newBuilder(URI.create(url)).header("Range", "bytes=-700000").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 700000, data.length));
    // the file changes (new content, new size): the cached mapping must not serve the old bytes
    byte[] changed = new byte[2 * 1024 * 1024 + 7];
    new java.util.Random(7).nextBytes(changed);
    Files.write(dir.resolve("netboot/52:54:00:12:34:56/kernel"), changed);
    var again = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(again.body()).isEqualTo(changed);
    // the headers follow the file too (they are cached per file while it stays the same)
    assertThat(again.headers().firstValue("content-length")).contains(String.valueOf(changed.length));
    assertThat(again.headers().firstValue("etag")).isNotEqualTo(whole.headers().firstValue("etag"));
    // replaced by rename with the same size and modification time (cp -p): a different inode, new bytes
    byte[] same = new byte[changed.length];
    new java.util.Random(8).nextBytes(same);
    Path tmp = dir.resolve("netboot/52:54:00:12:34:56/kernel.new");
    Files.write(tmp, same);
    Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(dir.resolve("netboot/52:54:00:12:34:56/kernel")));
    Files.move(tmp, dir.resolve("netboot/52:54:00:12:34:56/kernel"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    var renamed = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(renamed.body()).isEqualTo(same);
  }

  /**
   * A reader slower than the socket: sendfile takes the body in many short writes, each waiting for the socket to
   * drain; the body must still be exact and the connection usable for the next request (keep-alive).
   */
  @Test
  void aSlowReaderGetsExactBodiesOverOneKeptAliveConnection() throws Exception {
    byte[] data = new byte[2 * 1024 * 1024 + 333];
    new java.util.Random(3).nextBytes(data);
    Files.write(dir.resolve("netboot/52:54:00:12:34:56/initrd"), data);
    try (var s = new java.net.Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", server.ports().getFirst()));
      var in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 1024));
      var out = s.getOutputStream();
      for (String range : List.of("", "Range: bytes=1000-2000000\r\n", "")) {
        out.write(("GET /mac/525400123456/initrd HTTP/1.1\r\nHost: x\r\n" + range + "\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        long length = -1;
        for (String line; !(line = readLine(in)).isEmpty(); ) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Long.parseLong(line.substring(15).trim());
          }
        }
        byte[] body = new byte[(int) length];
        for (int off = 0; off < body.length; ) { // slowly: 64 KiB at a time with pauses
          int n = in.read(body, off, Math.min(64 * 1024, body.length - off));
          assertThat(n).isPositive();
          off += n;
          if (off % (256 * 1024) < n) {
            Thread.sleep(5);
          }
        }
        byte[] expected = range.isEmpty() ? data : java.util.Arrays.copyOfRange(data, 1000, 2000001);
        assertThat(body).as("body for '%s'", range).isEqualTo(expected);
      }
    }
    assertThat(server.bytesSentByFile()).isEqualTo(2L * data.length + 1_999_001);
  }

  private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      assertThat(c).as("header line ended early").isNotNegative();
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  @Test
  void aMissingFileIsAnErrorEvent() throws Exception {
    assertThat(get("/mac/52:54:00:12:34:56/nope.efi").statusCode()).isEqualTo(404);
    assertThat(fetches).contains("52:54:00:12:34:56 mac/nope.efi error 0/-1");
  }

  @Test
  void refusesTraversalAndSymlinksOut() throws Exception {
    for (String p : List.of("/mac/52:54:00:12:34:56/../../secret", "/mac/52:54:00:12:34:56/%2e%2e/%2e%2e/secret",
        "/mac/52:54:00:12:34:56/%252e%252e/secret", "/mac/52:54:00:12:34:56/escape", "/mac/52:54:00:12:34:56/",
        "/mac/not-a-mac/boot.ipxe", "/ipxe/52:54:00:12:34:56/../secret", "/mac/52:54:00:12:34:56/..%5csecret")) {
      HttpResponse<String> r = get(p);
      assertThat(r.statusCode()).as(p).isIn(400, 404);
      assertThat(r.body()).as(p).doesNotContain("secret\n").isNotEqualTo("secret");
    }
  }
}
