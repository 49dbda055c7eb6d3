package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import dev.bootline.tftp.TftpPathResolverTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile request targets against the boot plane (loopback), sent byte for byte over a raw socket so nothing is
 * normalised on the way: each gets 400 or 404 and never a file's content. The TFTP table's names are reused
 * (percent-encoded, and raw where HTTP allows), against the same tree.
 */
class HttpTraversalTest {
  static final String MAC = "52:54:00:12:34:56";
  static final String SECRET = "TOP-SECRET-CONTENT";

  @TempDir Path dir;
  BootHttpServer server;
  int port;

  @BeforeEach
  void start() throws Exception {
    Path netboot = Files.createDirectories(dir.resolve("netboot"));
    Path root = Files.createDirectories(netboot.resolve(MAC));
    TftpPathResolverTest.hostileTree(root, Files.createDirectories(netboot.resolve("outside")));
    Files.writeString(root.resolve("boot.ipxe"), "#!ipxe\n");
    Files.writeString(dir.resolve("secret"), SECRET);
    Files.createSymbolicLink(root.resolve("devnull"), Path.of("/dev/null"));
    Files.createSymbolicLink(root.resolve("devzero"), Path.of("/dev/zero"));
    Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret"));
    Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
    Path efi = Files.write(dir.resolve("ipxe.efi"), new byte[] {'M', 'Z'});
    server = new BootHttpServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), Optional.of(netboot),
        new IpxeCatalog(Map.of(BootlineConfig.IpxeTarget.X86_64_EFI, efi)), (mac, remote, path, sent, total, state) -> {});
    server.start();
    port = server.ports().getFirst();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  record Reply(int status, String text) {}

  Reply raw(String target) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000); // safety net against a hang (a fifo opened for reading would block), not a timing check
      OutputStream out = s.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      String status = text.lines().findFirst().orElse("");
      return new Reply(status.length() >= 12 ? Integer.parseInt(status.substring(9, 12)) : -1, text);
    }
  }

  /** Percent-encodes every byte of the UTF-8 form except unreserved characters and '/'. */
  static String encode(String name) {
    StringBuilder b = new StringBuilder();
    for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }

  static Stream<String> httpTargets() {
    String m = "/mac/" + MAC + "/";
    return Stream.of(
        m + "../../secret",
        m + "../../../../../../etc/passwd",
        m + "%2e%2e/%2e%2e/secret",
        m + "%2e%2e%2f%2e%2e%2fsecret",
        m + "..%2f..%2fetc/passwd",
        m + "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        m + "%252e%252e/%252e%252e/secret",
        m + "%252e%252e%252f%252e%252e%252fsecret",
        m + "..%5c..%5csecret",
        m + "..%255c..%255csecret",
        m + "..\\..\\secret",
        m + "boot.ipxe%00.txt",
        m + "%00",
        m + "escape%00",
        m + "%c0%ae%c0%ae/%c0%ae%c0%ae/secret",
        m + "..%c0%af..%c0%afsecret",
        m + "%e0%80%ae%e0%80%ae/secret",
        m + "%u002e%u002e/secret",
        m + ".%2e/.%2e/secret",
        m + "..;/..;/secret",
        m + "%2fetc%2fpasswd",
        m + "/etc/passwd",
        m + "escape",
        m + "etc/passwd",
        m + "link-out",
        m + "dirlink/secret",
        m + "relative-up",
        m + "devnull",
        m + "devzero",
        m + "fifo",
        m + "sub",
        m + "sub/",
        m,
        "/mac/" + MAC + "%2f..%2f..%2fsecret",
        "/mac/../secret",
        "/mac/%2e%2e/%2e%2e/secret",
        "/ipxe/" + MAC + "/../../secret",
        "/ipxe/" + MAC + "/%2e%2e/%2e%2e/secret",
        "/ipxe/" + MAC + "/..%2f..%2fsecret",
        "/ipxe/" + MAC + "/" + encode(TftpPathResolverTest.class.getProtectionDomain().getCodeSource().getLocation().getPath()),
        "/" + encode(Path.of("/etc/passwd").toString()).substring(1));
  }

  static Stream<String> tftpNamesOverHttp() {
    List<String> t = new ArrayList<>();
    for (String name : TftpPathResolverTest.hostileNames()) {
      t.add("/mac/" + MAC + "/" + encode(name));
      boolean printable = name.chars().allMatch(c -> c > 0x20 && c < 0x7f);
      if (printable && !name.isEmpty()) {
        t.add("/mac/" + MAC + "/" + name);
      }
    }
    return t.stream();
  }

  void assertRefused(String target) throws Exception {
    Reply r = raw(target);
    assertThat(r.status()).as(target + "\n" + r.text()).isIn(400, 404);
    assertThat(r.text()).as(target).doesNotContain(SECRET).doesNotContain("root:x:0:0").doesNotContain("\r\n\r\nsecret")
        .doesNotContain("\r\n\r\nefi").doesNotContain("\r\n\r\nfile");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("httpTargets")
  void hostileTargetsNeverYieldContent(String target) throws Exception {
    assertRefused(target);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("tftpNamesOverHttp")
  void theTftpTableIsRefusedOverHttpToo(String target) throws Exception {
    assertRefused(target);
  }

  @Test
  void tablesAreLargeEnoughAndTheTreeReallyServesItsOwnFiles() throws Exception {
    assertThat(httpTargets().count()).isGreaterThanOrEqualTo(20);
    // the control: the same server hands out legitimate files, so refusals above are not a dead server
    Reply ok = raw("/mac/" + MAC + "/boot.ipxe");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.text()).endsWith("#!ipxe\n");
    assertThat(raw("/mac/" + MAC + "/sub/file").text()).endsWith("\r\n\r\nfile");
    assertThat(raw("/mac/" + MAC + "/link-in").text()).endsWith("\r\n\r\nfile");
  }
}
