package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real TFTP clients (curl, atftp) against the server, all inside a network namespace this test creates: the server
 * runs as a child JVM under {@code ip netns exec}, so no TFTP packet ever touches the root namespace. Needs root,
 * ip, curl and atftp; skipped without them unless {@code -Dbootline.lab.required=true}.
 */
class TftpRealClientsLabIT {
  static final int PORT = 6969;
  static final List<Process> started = new ArrayList<>();
  static String ns;
  /** The client side of a veth link into the server's namespace (MTU 1400, server has two addresses on it). */
  static String clientNs;
  static Path dir;
  static Path root;
  static Process server;
  static Path serverLog;
  static final java.util.concurrent.ConcurrentLinkedQueue<String> serverLines = new java.util.concurrent.ConcurrentLinkedQueue<>();
  static byte[] big;
  static byte[] mid;
  static byte[] tiny;
  static byte[] exact;

  @BeforeAll
  static void lab() throws Exception {
    String missing = missingPrerequisite();
    if (missing != null) {
      if (Boolean.getBoolean("bootline.lab.required")) {
        fail("bootline.lab.required=true but " + missing);
      }
      assumeTrue(false, missing);
    }
    dir = Files.createTempDirectory("bootline-tftp-lab");
    root = Files.createDirectories(dir.resolve("root"));
    Random r = new Random(20260101);
    big = new byte[3 * 1024 * 1024];
    r.nextBytes(big);
    mid = new byte[1024 * 1024 + 77];
    r.nextBytes(mid);
    tiny = "tiny\n".getBytes(StandardCharsets.US_ASCII);
    exact = new byte[1432 * 4]; // a multiple of curl's block size: ends with a zero-length block
    r.nextBytes(exact);
    Files.write(root.resolve("big.bin"), big);
    Files.write(root.resolve("mid.bin"), mid);
    Files.write(root.resolve("tiny.txt"), tiny);
    Files.write(root.resolve("exact.bin"), exact);
    Files.writeString(dir.resolve("secret"), "outside the root");

    ns = "blt" + HexFormat.of().toHexDigits(r.nextInt() ^ System.nanoTime()).substring(0, 8);
    run("ip", "netns", "add", ns);
    run("ip", "-n", ns, "link", "set", "lo", "up");
    // lo at 1500 (not 65536): the per-interface blksize cap is observable over loopback too
    run("ip", "-n", ns, "link", "set", "lo", "mtu", "1500");
    clientNs = ns + "c";
    run("ip", "netns", "add", clientNs);
    run("ip", "-n", clientNs, "link", "set", "lo", "up");
    // created directly inside the two lab namespaces, never in the root namespace
    run("ip", "link", "add", "tftp0", "netns", ns, "type", "veth", "peer", "name", "tftp1", "netns", clientNs);
    for (String a : List.of("198.51.100.1/24", "198.51.100.2/24")) {
      run("ip", "-n", ns, "addr", "add", a, "dev", "tftp0");
    }
    for (String a : List.of("2001:db8:99::1/64", "2001:db8:99::2/64")) {
      run("ip", "-n", ns, "addr", "add", a, "dev", "tftp0", "nodad");
    }
    run("ip", "-n", clientNs, "addr", "add", "198.51.100.10/24", "dev", "tftp1");
    run("ip", "-n", clientNs, "addr", "add", "2001:db8:99::10/64", "dev", "tftp1", "nodad");
    run("ip", "-n", ns, "link", "set", "tftp0", "mtu", "1400", "up");
    run("ip", "-n", clientNs, "link", "set", "tftp1", "mtu", "1400", "up");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    serverLog = dir.resolve("server.log");
    server =
        new ProcessBuilder(
                "ip", "netns", "exec", ns, java, "-cp", System.getProperty("java.class.path"),
                TftpLabServerMain.class.getName(), root.toString(), Integer.toString(PORT))
            .redirectErrorStream(true)
            .start();
    started.add(server);
    // ip netns exec execs java in place: the process is the server JVM. Wait for it to say READY (or die).
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = out.readLine()) != null && !line.startsWith("READY")) {
      seen.append(line).append('\n');
    }
    assertThat(line).as("server output:\n" + seen).isNotNull();
    Thread drain =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var w = Files.newBufferedWriter(serverLog)) {
                    String l;
                    while ((l = out.readLine()) != null) {
                      serverLines.add(l);
                      w.write(l);
                      w.newLine();
                      w.flush();
                    }
                  } catch (IOException e) {
                    // server gone
                  }
                });
    assertThat(drain.isAlive() || !server.isAlive()).isTrue();
  }

  @AfterAll
  static void teardown() throws Exception {
    for (Process p : started) {
      killTree(p.toHandle());
    }
    for (String n : new String[] {clientNs, ns}) {
      if (n == null) {
        continue;
      }
      // anything else still in the namespace was started by this test: kill it by PID
      Process pids = new ProcessBuilder("ip", "netns", "pids", n).redirectErrorStream(true).start();
      String text = new String(pids.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      pids.waitFor();
      for (String pid : text.split("\\s+")) {
        if (pid.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(TftpRealClientsLabIT::killTree);
        }
      }
      new ProcessBuilder("ip", "netns", "del", n).inheritIO().start().waitFor();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void curlDownloadsOverIpv4AndIpv6ByteForByte() throws Exception {
    for (String host : List.of("127.0.0.1", "[::1]")) {
      for (String name : List.of("big.bin", "tiny.txt", "exact.bin")) {
        Path out = dir.resolve("curl-" + host.replaceAll("\\W", "") + "-" + name);
        Result res = inNs("curl", "-s", "-S", "-o", out.toString(), "--tftp-blksize", "1432", "tftp://" + host + ":" + PORT + "/" + name);
        assertThat(res.exit).as(host + " " + name + ": " + res.output).isZero();
        assertThat(Files.readAllBytes(out)).as(host + " " + name).isEqualTo(content(name));
      }
    }
  }

  @Test
  void atftpWithWindowsize16DownloadsOverIpv4AndIpv6ByteForByte() throws Exception {
    for (String host : List.of("127.0.0.1", "::1")) {
      for (String name : List.of("big.bin", "tiny.txt", "exact.bin")) {
        Path out = dir.resolve("atftp-" + host.replaceAll("\\W", "") + "-" + name);
        Result res =
            inNs("atftp", "--option", "windowsize 16", "--option", "blksize 1468", "-g", "-r", name, "-l", out.toString(), host, Integer.toString(PORT));
        assertThat(res.exit).as(host + " " + name + ": " + res.output).isZero();
        assertThat(Files.readAllBytes(out)).as(host + " " + name).isEqualTo(content(name));
      }
    }
    // the server really ran windows of 16, and capped IPv6 blocks at 1500 - 40 - 8 - 4
    awaitServerLine("EVENT started big.bin client=/127.0.0.1:", "blksize=1468 windowsize=16 size=3145728");
    awaitServerLine("EVENT started big.bin client=/[0:0:0:0:0:0:0:1]:", "blksize=1448 windowsize=16 size=3145728");
  }

  /** Waits for the server to journal a line; the bound is a safety net for a broken server, not a timing assertion. */
  static void awaitServerLine(String prefix, String contains) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (serverLines.stream().anyMatch(l -> l.startsWith(prefix) && l.contains(contains))) {
        return;
      }
      Thread.sleep(100);
    }
    fail("server never journaled '" + prefix + "…" + contains + "'; got " + serverLines);
  }

  /**
   * A multi-homed server: requests to either of its two addresses on the veth link are answered from that address
   * (a wildcard-bound transfer socket would answer from the primary one), with blksize capped by that link's MTU of
   * 1400, not the loopback's 1500 nor the configured fallback of 9000.
   */
  @Test
  void answersFromTheAddressTheClientTalkedToWithTheArrivalLinksBlockSize() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    for (String[] c :
        List.of(
            new String[] {"198.51.100.1", "blksize=1368"},
            new String[] {"198.51.100.2", "blksize=1368"},
            new String[] {"2001:db8:99::1", "blksize=1348"},
            new String[] {"2001:db8:99::2", "blksize=1348"})) {
      Result r =
          inNamespace(clientNs, javaBin, "-cp", cp, TftpProbeMain.class.getName(), c[0], Integer.toString(PORT), "big.bin", "8192");
      assertThat(r.exit).as(r.output).isZero();
      String expectedSource = java.net.InetAddress.ofLiteral(c[0]).getHostAddress();
      assertThat(r.output).as(c[0]).contains("REPLY " + expectedSource + " ").contains(c[1]).contains("tsize=3145728");
    }
  }

  @Test
  void fiftyConcurrentDownloads() throws Exception {
    List<Process> clients = new ArrayList<>();
    List<Path> outs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Path out = dir.resolve("concurrent-" + i);
      outs.add(out);
      List<String> cmd =
          i % 2 == 0
              ? List.of("curl", "-s", "-S", "-o", out.toString(), "--tftp-blksize", "1432", "tftp://127.0.0.1:" + PORT + "/mid.bin")
              : List.of("atftp", "--option", "windowsize 16", "--option", "blksize 1468", "-g", "-r", "mid.bin", "-l", out.toString(), i % 4 == 1 ? "::1" : "127.0.0.1", Integer.toString(PORT));
      clients.add(startInNs(cmd));
    }
    for (int i = 0; i < clients.size(); i++) {
      Process p = clients.get(i);
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      if (!done) {
        killTree(p.toHandle());
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(done && p.exitValue() == 0).as("client " + i + ": " + output).isTrue();
      assertThat(Files.readAllBytes(outs.get(i))).as("client " + i).isEqualTo(mid);
    }
  }

  @Test
  void refusalsReachTheClient() throws Exception {
    Path out = dir.resolve("refused");
    // curl exit 68: TFTP file not found, 69: TFTP permission problem (ERROR 2)
    assertThat(inNs("curl", "-s", "-o", out.toString(), "tftp://127.0.0.1:" + PORT + "/missing.bin").exit).isEqualTo(68);
    assertThat(inNs("curl", "-s", "--path-as-is", "-o", out.toString(), "tftp://127.0.0.1:" + PORT + "/../secret").exit)
        .isEqualTo(69);
    Path upload = Files.writeString(dir.resolve("upload"), "data");
    Result put = inNs("atftp", "-p", "-l", upload.toString(), "-r", "upload", "127.0.0.1", Integer.toString(PORT));
    assertThat(put.exit).isNotZero();
    assertThat(put.output).contains("bootline is read-only");
    assertThat(Files.exists(root.resolve("upload"))).isFalse();
  }

  // ---- helpers ----

  record Result(int exit, String output) {}

  static byte[] content(String name) {
    return switch (name) {
      case "big.bin" -> big;
      case "mid.bin" -> mid;
      case "tiny.txt" -> tiny;
      case "exact.bin" -> exact;
      default -> throw new IllegalArgumentException(name);
    };
  }

  static Process startInNs(List<String> cmd) throws IOException {
    return startIn(ns, cmd);
  }

  static Process startIn(String namespace, List<String> cmd) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(cmd);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    synchronized (started) {
      started.add(p);
    }
    return p;
  }

  static Result inNs(String... cmd) throws Exception {
    return inNamespace(ns, cmd);
  }

  static Result inNamespace(String namespace, String... cmd) throws Exception {
    Process p = startIn(namespace, List.of(cmd));
    // a safety net against a hung client, not an assertion on time
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      killTree(p.toHandle());
      return new Result(-1, "killed after 120 s: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  static void killTree(ProcessHandle h) {
    h.descendants().forEach(ProcessHandle::destroyForcibly);
    h.destroyForcibly();
    try {
      h.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already gone or unkillable: nothing more to do by PID
    }
  }

  static String missingPrerequisite() throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    id.waitFor();
    if (!uid.equals("0")) {
      return "not root (uid " + uid + ")";
    }
    for (String tool : List.of("ip", "curl", "atftp")) {
      boolean found =
          Stream.of(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
              .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
      if (!found) {
        return tool + " not installed";
      }
    }
    return null;
  }
}
