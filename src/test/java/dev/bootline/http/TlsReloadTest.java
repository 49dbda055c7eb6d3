package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the boot plane from PEM files (generated with openssl), and certificate rotation without a restart: a
 * loop of requests runs while the files are replaced; none fails, and new connections get the new certificate while
 * a connection opened before the rotation keeps working. Loopback only.
 */
class TlsReloadTest {
  static final String MAC = "52:54:00:12:34:56";
  static final byte[] BODY = "#!ipxe\necho over tls\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  BootHttpServer server;
  int port;
  Path cert;
  Path key;

  static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
  }

  /** A self-signed EC P-256 certificate and PKCS#8 key, named {@code <name>.crt} / {@code <name>.key}. */
  static void selfSigned(Path dir, String name, String cn) throws Exception {
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=" + cn, "-keyout", name + ".key", "-out", name + ".crt");
  }

  static String fingerprint(byte[] der) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
  }

  static String fingerprintOfPem(Path pem) throws Exception {
    var c = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    return fingerprint(c.getEncoded());
  }

  @BeforeEach
  void start() throws Exception {
    Path netboot = Files.createDirectories(dir.resolve("netboot").resolve(MAC));
    Files.write(netboot.resolve("boot.ipxe"), BODY);
    selfSigned(dir, "one", "bootline-one");
    selfSigned(dir, "two", "bootline-two");
    cert = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    Files.copy(dir.resolve("one.crt"), cert);
    Files.copy(dir.resolve("one.key"), key);
    server = new BootHttpServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)),
        Optional.of(dir.resolve("netboot")), new IpxeCatalog(Map.of(BootlineConfig.IpxeTarget.X86_64_EFI, Files.write(dir.resolve("ipxe.efi"), new byte[] {'M', 'Z'}))), (mac, remote, path, sent, total, state) -> {});
    server.enableTls(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)),
        new TlsReloader(cert, key, Duration.ofMillis(50)));
    server.start();
    port = server.tlsPorts().getFirst();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** Trusts anything (the test checks the fingerprint itself) and remembers what the server presented. */
  static SSLContext trustAll() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return ctx;
  }

  /** One HTTP/1.1 exchange on an open socket; returns the status line and checks the body is the file. */
  static String get(SSLSocket s, boolean close) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(("GET /mac/" + MAC + "/boot.ipxe HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (close ? "Connection: close\r\n" : "")
        + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the headers: " + head);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int length = Integer.parseInt(headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
        .findFirst().orElseThrow(() -> new IOException("no content-length: " + headers)).substring(15).strip());
    byte[] body = in.readNBytes(length);
    if (!java.util.Arrays.equals(body, BODY)) {
      throw new IOException("wrong body: " + new String(body, StandardCharsets.US_ASCII));
    }
    return headers.lines().findFirst().orElseThrow();
  }

  SSLSocket connect(SSLContext ctx) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    s.setSoTimeout(20_000); // a safety net against a hung server, not a timing assertion
    s.startHandshake();
    return s;
  }

  String peer(SSLSocket s) throws Exception {
    return fingerprint(s.getSession().getPeerCertificates()[0].getEncoded());
  }

  @Test
  void rotatesTheCertificateUnderLoadWithoutFailingARequest() throws Exception {
    String one = fingerprintOfPem(dir.resolve("one.crt"));
    String two = fingerprintOfPem(dir.resolve("two.crt"));
    assertThat(one).isNotEqualTo(two);
    SSLContext ctx = trustAll();

    SSLSocket longLived = connect(ctx);
    assertThat(peer(longLived)).isEqualTo(one);
    assertThat(get(longLived, false)).isEqualTo("HTTP/1.1 200 OK");

    List<String> failures = new ArrayList<>();
    AtomicInteger requests = new AtomicInteger();
    List<String> seen = new ArrayList<>();
    boolean rotated = false;
    // bounded: a server that never reloads ends the loop with the assertion below failing
    for (int i = 0; i < 4000; i++) {
      if (i == 20) { // rotate mid-loop, key first: for a while the pair does not match and must be skipped
        Files.copy(dir.resolve("two.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("two.crt"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        rotated = true;
      }
      try (SSLSocket s = connect(ctx)) {
        String status = get(s, true);
        requests.incrementAndGet();
        if (!status.equals("HTTP/1.1 200 OK")) {
          failures.add(i + ": " + status);
        }
        String fp = peer(s);
        if (seen.isEmpty() || !seen.getLast().equals(fp)) {
          seen.add(fp);
        }
        if (rotated && fp.equals(two) && i > 40) {
          break;
        }
      } catch (IOException e) {
        failures.add(i + ": " + e);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(seen).as("certificates seen, in order").containsExactly(one, two);

    // the connection opened before the rotation still works (its session keeps the old certificate)
    assertThat(get(longLived, true)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(peer(longLived)).isEqualTo(one);
    longLived.close();
    try (SSLSocket fresh = connect(ctx)) {
      assertThat(peer(fresh)).isEqualTo(two);
    }
  }

  @Test
  void plainHttpStillServesNextToTls() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var r = client.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + server.ports().getFirst() + "/mac/" + MAC + "/boot.ipxe")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(BODY);
  }

  @Test
  void pemParsingRefusesAMismatchedPairAndExplainsSec1() throws Exception {
    String certOne = Files.readString(dir.resolve("one.crt"));
    assertThat(PemKeyStore.parse(certOne, Files.readString(dir.resolve("one.key"))).leaf().getSubjectX500Principal().getName())
        .isEqualTo("CN=bootline-one");
    assertThatThrownBy(() -> PemKeyStore.parse(certOne, Files.readString(dir.resolve("two.key"))))
        .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("does not belong");
    assertThatThrownBy(() -> PemKeyStore.parse("garbage", Files.readString(dir.resolve("one.key"))))
        .hasMessageContaining("no CERTIFICATE");
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.key");
    assertThatThrownBy(() -> PemKeyStore.parse(certOne, Files.readString(dir.resolve("sec1.key"))))
        .hasMessageContaining("openssl pkcs8");
  }

  @Test
  void pemParsingReadsPkcs1RsaKeys() throws Exception {
    openssl(dir, "genrsa", "-traditional", "-out", "rsa.key", "2048");
    assertThat(Files.readString(dir.resolve("rsa.key"))).contains("BEGIN RSA PRIVATE KEY");
    openssl(dir, "req", "-x509", "-key", "rsa.key", "-days", "2", "-subj", "/CN=rsa", "-out", "rsa.crt");
    var loaded = PemKeyStore.parse(Files.readString(dir.resolve("rsa.crt")), Files.readString(dir.resolve("rsa.key")));
    assertThat(loaded.keyStore().getKey(PemKeyStore.ALIAS, PemKeyStore.PASSWORD).getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void aBrokenRotationKeepsTheCurrentCertificate() throws Exception {
    String one = fingerprintOfPem(dir.resolve("one.crt"));
    TlsReloader r = new TlsReloader(cert, key, Duration.ofHours(1)); // not started: driven by checkNow
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assertThat(r.checkNow()).isFalse();
    Files.copy(dir.resolve("two.crt"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(r.checkNow()).as("new cert with the old key").isFalse();
    Files.copy(dir.resolve("two.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(r.checkNow()).isTrue();
    assertThat(r.checkNow()).as("unchanged files").isFalse();
    assertThat(r.reloads()).isEqualTo(1);
    assertThat(one).isNotEqualTo(fingerprintOfPem(cert));
  }
}
