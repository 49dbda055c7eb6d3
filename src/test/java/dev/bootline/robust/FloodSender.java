package dev.bootline.robust;

import dev.bootline.dhcp6.ClientServerMessage;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Option.ClientId;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.ServerId;
import dev.bootline.dhcp6.Duid;
import dev.bootline.dhcp6.MessageType;
import dev.bootline.wire.MacAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The flood generator of {@link FloodLabIT}, run in its own namespace: for SECONDS seconds (or until STOP_FILE exists)
 * it sends, as fast as one thread can, round after round of
 * <ul>
 *   <li>a valid DHCPv6 Solicit and Request as OVMF's PXE sends them (DUID-LL, IA_NA, arch 7, PXEClient) from machine
 *       {@code i} (the Request names bootline's server id, learnt by one exchange before the flood),
 *   <li>a valid PXE DHCPDISCOVER (the OVMF PXEv4 fixture) with chaddr and xid of machine {@code i},
 *   <li>a random datagram (0–600 random bytes) to one of 67, 547, 69 and 4011 in turn,
 * </ul>
 * where {@code i} cycles over MACS distinct MACs (02:f1:00:xx:xx:xx). Two receiver threads count the Advertises (port
 * 546) and proxy offers (port 68) that come back. Prints {@code SENT …} once a second and last
 * {@code FLOOD seconds=… sent=… sent6=… sent4=… garbage=… answered6=… answered4=… send_errors=…}.
 *
 * <p>Args: {@code IF SERVER4 SERVER6 SECONDS MACS STOP_FILE}
 */
public final class FloodSender {
  private FloodSender() {}

  public static void main(String[] args) throws Exception {
    NetworkInterface nif = NetworkInterface.getByName(args[0]);
    InetAddress server4 = InetAddress.getByName(args[1]);
    InetAddress server6 = InetAddress.getByName(args[2]);
    long seconds = Long.parseLong(args[3]);
    int macs = Integer.parseInt(args[4]);
    Path stop = Path.of(args[5]);

    // Pre-encoded so the sending loop only sends: 10^5 Solicits of ~100 bytes are ~10 MB.
    byte[][] solicits = new byte[macs][];
    for (int i = 0; i < macs; i++) {
      solicits[i] = Dhcp6Codec.encode(solicit(i).build());
    }
    byte[] discover = MalformedCorpus.discover();

    DatagramChannel s6 = DatagramChannel.open(StandardProtocolFamily.INET6);
    s6.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    s6.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
    s6.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    s6.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
    s6.bind(new InetSocketAddress(InetAddress.getByName("::"), 546));
    DatagramChannel s4 = DatagramChannel.open(StandardProtocolFamily.INET);
    s4.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    s4.setOption(StandardSocketOptions.SO_BROADCAST, true);
    s4.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
    s4.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    s4.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 68));

    InetSocketAddress allServers = new InetSocketAddress(
        Inet6Address.getByAddress(null, InetAddress.getByName("ff02::1:2").getAddress(), nif), 547);
    // Requests (what makes bootline record a boot event, so what grows its per-machine state) need its server id.
    ServerId serverId = serverId(s6, allServers);
    byte[][] requests = new byte[macs][];
    for (int i = 0; i < macs; i++) {
      requests[i] = Dhcp6Codec.encode(ClientServerMessage.builder(MessageType.REQUEST, (i + 1) & 0xffffff)
          .add(new ClientId(Duid.Ll.ethernet(mac(i)))).add(serverId).add(IaNa.of(i + 1, 0, 0))
          .addAll(StormClientMain.firmwareOptions()).build());
    }
    System.out.println("READY macs=" + macs);
    System.out.flush();

    LongAdder answered6 = new LongAdder();
    LongAdder answered4 = new LongAdder();
    Thread.ofPlatform().daemon().start(() -> count(s6, answered6)); // ADVERTISE (2) or REPLY (7)
    Thread.ofPlatform().daemon().start(() -> count(s4, answered4)); // BOOTREPLY (op 2)
    InetSocketAddress[] garbageTo = {
      new InetSocketAddress(server4, 67), new InetSocketAddress(server6, 547),
      new InetSocketAddress(server4, 69), new InetSocketAddress(server4, 4011)};
    InetSocketAddress proxy = new InetSocketAddress(server4, 67);

    SplittableRandom random = new SplittableRandom(8);
    byte[] junk = new byte[600];
    ByteBuffer d4 = ByteBuffer.wrap(discover.clone());
    long sent6 = 0;
    long sent4 = 0;
    long garbage = 0;
    long errors = 0;
    long t0 = System.nanoTime();
    long deadline = t0 + seconds * 1_000_000_000L;
    long nextReport = t0 + 1_000_000_000L;
    for (long round = 0; ; round++) {
      int i = (int) (round % macs);
      try {
        s6.send(ByteBuffer.wrap(solicits[i]), allServers);
        s6.send(ByteBuffer.wrap(requests[i]), allServers);
        sent6 += 2;
        byte[] d = d4.array();
        int n = i + 1;
        d[4] = (byte) 0xf1; d[5] = (byte) (n >> 16); d[6] = (byte) (n >> 8); d[7] = (byte) n; // xid
        System.arraycopy(mac(i).bytes(), 0, d, 28, 6); // chaddr
        s4.send(d4.clear(), proxy);
        sent4++;
        random.nextBytes(junk);
        int len = random.nextInt(601);
        InetSocketAddress to = garbageTo[(int) (round & 3)];
        (to.getAddress() instanceof Inet6Address ? s6 : s4).send(ByteBuffer.wrap(junk, 0, len), to);
        garbage++;
      } catch (java.io.IOException e) {
        errors++; // ENOBUFS and the like: the box cannot send faster; keep going
      }
      if ((round & 1023) == 0) {
        long now = System.nanoTime();
        if (now >= nextReport) {
          System.out.printf("SENT t=%.0f rounds=%d sent=%d answered6=%d answered4=%d%n", (now - t0) / 1e9, round, sent6 + sent4 + garbage,
              answered6.sum(), answered4.sum());
          System.out.flush();
          nextReport += 1_000_000_000L;
          if (now >= deadline || Files.exists(stop)) {
            break;
          }
        }
      }
    }
    double took = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(500); // late answers
    System.out.printf("FLOOD seconds=%.1f sent=%d sent6=%d sent4=%d garbage=%d answered6=%d answered4=%d send_errors=%d"
        + " distinct_macs=%d%n", took, sent6 + sent4 + garbage, sent6, sent4, garbage, answered6.sum(), answered4.sum(),
        errors, Math.min(macs, sent4));
    System.out.flush();
    System.exit(0);
  }

  static MacAddress mac(int i) {
    return MacAddress.of(new byte[] {0x02, (byte) 0xf1, 0, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  static ClientServerMessage.Builder solicit(int i) {
    return ClientServerMessage.builder(MessageType.SOLICIT, i & 0xffffff).add(new ClientId(Duid.Ll.ethernet(mac(i))))
        .add(IaNa.of(i + 1, 0, 0)).addAll(StormClientMain.firmwareOptions());
  }

  /** One Solicit/Advertise (before the flood, retried for up to 20 s) for bootline's server identifier. */
  private static ServerId serverId(DatagramChannel ch, InetSocketAddress to) throws Exception {
    ch.configureBlocking(false);
    ByteBuffer b = ByteBuffer.allocate(65536);
    byte[] probe = Dhcp6Codec.encode(solicit(0).build());
    for (int attempt = 0; attempt < 40; attempt++) {
      ch.send(ByteBuffer.wrap(probe), to);
      Thread.sleep(500);
      for (b.clear(); ch.receive(b) != null; b.clear()) {
        byte[] r = java.util.Arrays.copyOf(b.array(), b.position());
        try {
          if (Dhcp6Codec.decode(r) instanceof ClientServerMessage m && m.is(MessageType.ADVERTISE)) {
            ch.configureBlocking(true);
            return m.option(ServerId.class).orElseThrow();
          }
        } catch (Exception e) {
          // not an answer we can use; keep listening
        }
      }
    }
    throw new IllegalStateException("no ADVERTISE from bootline in 20 s");
  }

  /** Counts datagrams whose first byte is 2 (DHCPv6 ADVERTISE, BOOTREPLY) or 7 (DHCPv6 REPLY). */
  private static void count(DatagramChannel ch, LongAdder n) {
    ByteBuffer b = ByteBuffer.allocate(65536);
    while (true) {
      try {
        b.clear();
        ch.receive(b);
        if (b.position() > 0 && (b.get(0) == 2 || b.get(0) == 7)) {
          n.increment();
        }
      } catch (java.io.IOException e) {
        return;
      }
    }
  }
}
