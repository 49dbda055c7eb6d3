package dev.bootline.robust;

import dev.bootline.dhcp6.ClientServerMessage;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Message;
import dev.bootline.dhcp6.Dhcp6Option;
import dev.bootline.dhcp6.Dhcp6Option.BootFileUrl;
import dev.bootline.dhcp6.Dhcp6Option.ClientId;
import dev.bootline.dhcp6.Dhcp6Option.IaAddress;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.ServerId;
import dev.bootline.dhcp6.Duid;
import dev.bootline.dhcp6.MessageType;
import dev.bootline.tftp.TftpLoadClientMain;
import dev.bootline.wire.MacAddress;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of bench/storm: N simulated machines, each with its own MAC, boot the way a UEFI PXE machine chained
 * to iPXE does — DHCPv6 Solicit/Advertise/Request/Reply (DUID-LL carrying the MAC and OVMF's PXE options: arch 7,
 * vendor class PXEClient, asking for the boot file URL), a TFTP download of the URL bootline hands out (RFC 7440 windowsize 4, blksize 1468, as OVMF asks), and
 * an HTTP GET of a large file from /mac/&lt;mac&gt;/ — at most {@code concurrency} machines at a time. Every reply is
 * checked: the offered and bound address must be base ‖ MAC, the boot URL must name this MAC, the TFTP and HTTP bodies
 * must equal the expected files (length and SHA-256).
 *
 * <p>Args: {@code iface base-address http-host machines concurrency expected-tftp-file http-name expected-http-file}.
 * Prints {@code FAIL <machine> <step> <why>} per failed machine, {@code STEP <name> n p50 p99 max} (ms) per step and
 * last {@code DONE ok=<n> failed=<n> seconds=<s> retransmits=<n>}.
 */
public final class StormClientMain {
  private StormClientMain() {}

  static final int CLIENT_PORT = 546;
  static final int SERVER_PORT = 547;

  record Step(String name, long[] ms) {}

  private static final Map<Integer, CompletableFuture<ClientServerMessage>> WAITING = new ConcurrentHashMap<>();
  private static final AtomicInteger RETRANSMITS = new AtomicInteger();

  public static void main(String[] args) throws Exception {
    NetworkInterface nif = NetworkInterface.getByName(args[0]);
    byte[] base = InetAddress.ofLiteral(args[1]).getAddress();
    String httpHost = args[2];
    int machines = Integer.parseInt(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    byte[] tftpExpected = Files.readAllBytes(Path.of(args[5]));
    String httpName = args[6];
    Path httpExpectedFile = Path.of(args[7]);
    long httpSize = Files.size(httpExpectedFile);
    byte[] httpDigest = sha256(Files.newInputStream(httpExpectedFile));

    DatagramChannel dhcp = DatagramChannel.open(StandardProtocolFamily.INET6);
    dhcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    dhcp.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    dhcp.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
    dhcp.bind(new InetSocketAddress(CLIENT_PORT));
    Thread.ofPlatform().daemon().start(() -> receiveReplies(dhcp));
    InetSocketAddress allServers =
        new InetSocketAddress(Inet6Address.getByAddress(null, InetAddress.ofLiteral("ff02::1:2").getAddress(), nif), SERVER_PORT);

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    long[] dhcpMs = new long[machines];
    long[] tftpMs = new long[machines];
    long[] httpMs = new long[machines];
    long[] totalMs = new long[machines];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    for (int w = 0; w < concurrency; w++) {
      pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < machines; i = next.getAndIncrement()) {
          MacAddress mac = MacAddress.of(new byte[] {0x02, 0x00, 0x5e, 0x10, (byte) (i >> 8), (byte) i});
          String step = "dhcp6";
          long start = System.nanoTime();
          try {
            long s = System.nanoTime();
            String url = dhcp6(dhcp, allServers, mac, base, i);
            dhcpMs[i] = ms(s);
            step = "tftp";
            s = System.nanoTime();
            URI u = URI.create(url);
            if (!"tftp".equals(u.getScheme()) || !u.getPath().equals("/" + mac + "/ipxe.efi")) {
              throw new IllegalStateException("boot URL " + url + " is not tftp://…/" + mac + "/ipxe.efi");
            }
            byte[] got = tftp(new InetSocketAddress(InetAddress.getByName(u.getHost()), u.getPort() < 0 ? 69 : u.getPort()),
                u.getPath().substring(1));
            if (!Arrays.equals(got, tftpExpected)) {
              throw new IllegalStateException("TFTP body differs: " + got.length + " bytes");
            }
            tftpMs[i] = ms(s);
            step = "http";
            s = System.nanoTime();
            HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create("http://" + httpHost + "/mac/" + mac + "/" + httpName))
                    .timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
              r.body().close();
              throw new IllegalStateException("HTTP status " + r.statusCode());
            }
            long[] n = new long[1];
            byte[] digest = sha256(new CountingStream(r.body(), n));
            if (n[0] != httpSize || !Arrays.equals(digest, httpDigest)) {
              throw new IllegalStateException("HTTP body differs: " + n[0] + " bytes");
            }
            httpMs[i] = ms(s);
            totalMs[i] = ms(start);
            ok.incrementAndGet();
          } catch (Exception e) {
            failed.incrementAndGet();
            System.out.println("FAIL " + i + " " + step + " " + mac + " " + e);
          }
        }
        return null;
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(2, TimeUnit.HOURS)) {
      System.out.println("FAIL timeout");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (Step s : List.of(new Step("dhcp6", dhcpMs), new Step("tftp", tftpMs), new Step("http", httpMs),
        new Step("machine", totalMs))) {
      long[] v = Arrays.stream(s.ms()).filter(x -> x > 0).sorted().toArray();
      if (v.length == 0) {
        System.out.println("STEP " + s.name() + " 0 - - -");
        continue;
      }
      System.out.printf("STEP %s %d %d %d %d%n", s.name(), v.length, pct(v, 50), pct(v, 99), v[v.length - 1]);
    }
    System.out.printf("DONE ok=%d failed=%d seconds=%.1f retransmits=%d%n", ok.get(), failed.get(), seconds, RETRANSMITS.get());
    System.out.flush();
    System.exit(failed.get() == 0 ? 0 : 1);
  }

  /** Solicit → Advertise → Request → Reply; returns the boot file URL; checks the address is base ‖ MAC both times. */
  static String dhcp6(DatagramChannel ch, InetSocketAddress to, MacAddress mac, byte[] base, int i) throws Exception {
    Inet6Address expected = derived(base, mac);
    ClientId clientId = new ClientId(Duid.Ll.ethernet(mac));
    long iaid = i + 1;
    int xid = (i * 2) & 0xffffff;
    ClientServerMessage solicit = ClientServerMessage.builder(MessageType.SOLICIT, xid).add(clientId)
        .add(IaNa.of(iaid, 0, 0)).addAll(firmwareOptions()).build();
    ClientServerMessage adv = exchange(ch, to, solicit, MessageType.ADVERTISE);
    if (!adv.option(ClientId.class).equals(java.util.Optional.of(clientId))) {
      throw new IllegalStateException("ADVERTISE for another client: " + adv);
    }
    ServerId server = adv.option(ServerId.class).orElseThrow(() -> new IllegalStateException("ADVERTISE without server id"));
    checkAddress(adv, expected, "ADVERTISE");
    String url = adv.option(BootFileUrl.class).map(BootFileUrl::url)
        .orElseThrow(() -> new IllegalStateException("ADVERTISE without boot file URL"));
    ClientServerMessage request = ClientServerMessage.builder(MessageType.REQUEST, xid + 1).add(clientId).add(server)
        .add(IaNa.of(iaid, 0, 0, IaAddress.of(expected, 0, 0))).addAll(firmwareOptions()).build();
    ClientServerMessage reply = exchange(ch, to, request, MessageType.REPLY);
    checkAddress(reply, expected, "REPLY");
    return url;
  }

  /** What OVMF's PXE (x86-64 UEFI, arch 7) sends besides the client id and IA_NA (fixtures uefi-pxe6-*). */
  static List<Dhcp6Option> firmwareOptions() {
    return List.of(new Dhcp6Option.ElapsedTime(0), Dhcp6Option.OptionRequest.of(59, 60, 23, 16),
        new Dhcp6Option.Nii(1, 3, 0), Dhcp6Option.ClientArch.of(7),
        Dhcp6Option.VendorClass.of(343, "PXEClient:Arch:00007:UNDI:003000"));
  }

  static void checkAddress(ClientServerMessage m, Inet6Address expected, String what) {
    List<IaNa> ias = m.options(IaNa.class);
    if (ias.isEmpty() || ias.getFirst().status().filter(s -> s.status() != 0).isPresent()) {
      throw new IllegalStateException(what + " without a usable IA_NA: " + m);
    }
    List<IaAddress> a = ias.getFirst().addresses();
    if (a.size() != 1 || !a.getFirst().address().equals(expected) || a.getFirst().validLifetime() == 0) {
      throw new IllegalStateException(what + " address " + a + ", expected " + expected);
    }
  }

  /** Sends {@code m} and waits for the answer of type {@code want} with its transaction id; RFC 8415-ish 1 s, 2 s, 4 s retries. */
  static ClientServerMessage exchange(DatagramChannel ch, InetSocketAddress to, ClientServerMessage m, MessageType want)
      throws Exception {
    byte[] wire = Dhcp6Codec.encode(m);
    long wait = 1000;
    for (int attempt = 0; attempt < 4; attempt++, wait *= 2) {
      CompletableFuture<ClientServerMessage> f = new CompletableFuture<>();
      WAITING.put(m.transactionId(), f);
      if (attempt > 0) {
        RETRANSMITS.incrementAndGet();
      }
      synchronized (ch) {
        ch.send(ByteBuffer.wrap(wire), to);
      }
      try {
        ClientServerMessage r = f.get(wait, TimeUnit.MILLISECONDS);
        if (!r.is(want)) {
          throw new IllegalStateException("expected " + want + ", got " + r);
        }
        return r;
      } catch (TimeoutException e) {
        // retransmit
      } finally {
        WAITING.remove(m.transactionId());
      }
    }
    throw new IllegalStateException("no " + want + " after 4 tries (15 s)");
  }

  static void receiveReplies(DatagramChannel ch) {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    while (true) {
      try {
        buf.clear();
        ch.receive(buf);
        buf.flip();
        byte[] b = new byte[buf.remaining()];
        buf.get(b);
        Dhcp6Message m = Dhcp6Codec.decode(b);
        if (m instanceof ClientServerMessage c) {
          CompletableFuture<ClientServerMessage> f = WAITING.get(c.transactionId());
          if (f != null) {
            f.complete(c);
          }
        }
      } catch (Exception e) {
        System.out.println("RECEIVE-ERROR " + e);
      }
    }
  }

  static Inet6Address derived(byte[] base, MacAddress mac) throws Exception {
    byte[] a = Arrays.copyOf(base, 16);
    System.arraycopy(mac.bytes(), 0, a, 10, 6);
    return (Inet6Address) InetAddress.getByAddress(a);
  }

  /** The TFTP step: blksize 1468 and windowsize 4 as OVMF asks, no dally (firmware moves on at once). */
  static byte[] tftp(InetSocketAddress server, String file) throws Exception {
    return TftpLoadClientMain.download(server, file, false, RETRANSMITS);
  }

  static byte[] sha256(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (in) {
      byte[] b = new byte[1 << 16];
      for (int n; (n = in.read(b)) > 0; ) {
        md.update(b, 0, n);
      }
    }
    return md.digest();
  }

  /** Counts bytes read through it into {@code n[0]}. */
  static final class CountingStream extends java.io.FilterInputStream {
    private final long[] n;

    CountingStream(InputStream in, long[] n) {
      super(in);
      this.n = n;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      int r = super.read(b, off, len);
      if (r > 0) {
        n[0] += r;
      }
      return r;
    }
  }

  static long ms(long startNanos) {
    return Math.max(1, (System.nanoTime() - startNanos) / 1_000_000);
  }

  static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
