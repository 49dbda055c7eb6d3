package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 500 concurrent downloads of iPXE's {@code ipxe.efi} (blksize 1468, windowsize 4) from one client namespace, plus a
 * stalled client that sends its RRQ and never acknowledges: every download completes byte-identical, and the stalled
 * transfer is timed out and counted ({@code failed.retries_exhausted}) without holding up the others. Server and
 * clients run in two network namespaces this test creates, joined by a veth pair with documentation addresses
 * (198.51.100.0/24, 2001:db8:500::/64); the load comes from {@link TftpLoadClientMain}. Needs root, ip and
 * /usr/lib/ipxe/ipxe.efi; skipped without them unless {@code -Dbootline.lab.required=true}.
 */
class TftpManyClientsLabIT {
  static final int PORT = 6969;
  static final int CLIENTS = 500;
  static final Path IPXE = Path.of("/usr/lib/ipxe/ipxe.efi");
  static String serverNs;
  static String clientNs;
  static Path root;
  static Process server;
  static final ConcurrentLinkedQueue<String> serverLines = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void lab() throws Exception {
    String missing = TftpRealClientsLabIT.missingPrerequisite();
    if (missing == null && !Files.isReadable(IPXE)) {
      missing = IPXE + " missing (Debian package ipxe)";
    }
    if (missing != null) {
      if (Boolean.getBoolean("bootline.lab.required")) {
        fail("bootline.lab.required=true but " + missing);
      }
      assumeTrue(false, missing);
    }
    root = Files.createTempDirectory("bootline-tftp-many");
    Files.copy(IPXE, root.resolve("ipxe.efi"));

    String tag = HexFormat.of().toHexDigits(new Random().nextInt() ^ System.nanoTime()).substring(0, 7);
    serverNs = "bltm" + tag;
    clientNs = "bltm" + tag + "c";
    for (String n : List.of(serverNs, clientNs)) {
      TftpRealClientsLabIT.run("ip", "netns", "add", n);
      TftpRealClientsLabIT.run("ip", "-n", n, "link", "set", "lo", "up");
    }
    // created directly inside the two lab namespaces, never in the root namespace
    TftpRealClientsLabIT.run(
        "ip", "link", "add", "many0", "netns", serverNs, "type", "veth", "peer", "name", "many1", "netns", clientNs);
    TftpRealClientsLabIT.run("ip", "-n", serverNs, "addr", "add", "198.51.100.1/24", "dev", "many0");
    TftpRealClientsLabIT.run("ip", "-n", serverNs, "addr", "add", "2001:db8:500::1/64", "dev", "many0", "nodad");
    TftpRealClientsLabIT.run("ip", "-n", clientNs, "addr", "add", "198.51.100.10/24", "dev", "many1");
    TftpRealClientsLabIT.run("ip", "-n", clientNs, "addr", "add", "2001:db8:500::10/64", "dev", "many1", "nodad");
    TftpRealClientsLabIT.run("ip", "-n", serverNs, "link", "set", "many0", "up");
    TftpRealClientsLabIT.run("ip", "-n", clientNs, "link", "set", "many1", "up");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    server =
        new ProcessBuilder(
                "ip", "netns", "exec", serverNs, java, "-Dlab.maxTransfers=" + (CLIENTS + 50),
                "-cp", System.getProperty("java.class.path"),
                TftpLabServerMain.class.getName(), root.toString(), Integer.toString(PORT))
            .redirectErrorStream(true)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = out.readLine()) != null && !line.startsWith("READY")) {
      seen.append(line).append('\n');
    }
    assertThat(line).as("server output:\n" + seen).isNotNull();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                String l;
                while ((l = out.readLine()) != null) {
                  serverLines.add(l);
                }
              } catch (Exception e) {
                // server gone
              }
            });
  }

  @AfterAll
  static void teardown() throws Exception {
    if (server != null) {
      TftpRealClientsLabIT.killTree(server.toHandle());
    }
    for (String n : new String[] {clientNs, serverNs}) {
      if (n == null) {
        continue;
      }
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
    if (root != null) {
      Files.deleteIfExists(root.resolve("ipxe.efi"));
      Files.deleteIfExists(root);
    }
  }

  @Test
  void fiveHundredConcurrentIpxeDownloadsCompleteWhileAStalledClientIsTimedOut() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process clients =
        new ProcessBuilder(
                "ip", "netns", "exec", clientNs, java, "-cp", System.getProperty("java.class.path"),
                TftpLoadClientMain.class.getName(), "198.51.100.1", "2001:db8:500::1", Integer.toString(PORT),
                "ipxe.efi", IPXE.toString(), Integer.toString(CLIENTS))
            .redirectErrorStream(true)
            .start();
    // a safety net against a hung load generator, not a timing assertion
    boolean ended = clients.waitFor(150, TimeUnit.SECONDS);
    if (!ended) {
      TftpRealClientsLabIT.killTree(clients.toHandle());
    }
    String output = new String(clients.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(output.lines().filter(l -> !l.startsWith("FAIL")).toList());
    assertThat(ended).as(output).isTrue();
    assertThat(output).as(output).contains("DONE ok=" + CLIENTS + " failed=0 ");
    // the stalled client got the OACK and its retransmissions (1 s timeout, 5 retries), then silence
    assertThat(output).contains("STALLED 6");

    // the server journaled 501 starts and exactly one failure: the stalled client, timed out after its retries
    for (int i = 0; i < 100 && serverLines.stream().noneMatch(l -> l.startsWith("EVENT failed")); i++) {
      Thread.sleep(100);
    }
    assertThat(serverLines.stream().filter(l -> l.startsWith("EVENT started ipxe.efi")).count()).isEqualTo(CLIENTS + 1);
    assertThat(serverLines.stream().filter(l -> l.startsWith("EVENT refused")).count()).isZero();
    assertThat(serverLines.stream().filter(l -> l.startsWith("EVENT failed")).toList())
        .singleElement()
        .satisfies(l -> assertThat(l).contains("retries_exhausted"));
    assertThat(serverLines).anyMatch(l -> l.startsWith("EVENT failed") && l.contains("retries_exhausted"));
  }
}
