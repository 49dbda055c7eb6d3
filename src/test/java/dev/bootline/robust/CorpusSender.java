package dev.bootline.robust;

import dev.bootline.robust.MalformedCorpus.Family;
import dev.bootline.robust.MalformedCorpus.Item;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs inside the attacker namespace (started by {@link MalformedCorpusLabIT} through {@code lab.startJava}): sends
 * the corpus file's datagrams round after round — DHCPv6 to ff02::1:2%IF port 547, DHCPv4 to SERVER4:67 — for at most
 * SECONDS seconds and MAX_ROUNDS rounds (bounded either way), then checks that the proxy still answers a valid PXE
 * DISCOVER. Prints {@code rounds=N} and {@code v4-offer=yes|no}.
 *
 * <p>Usage: {@code CorpusSender CORPUS_FILE IF SERVER4 SECONDS MAX_ROUNDS}
 */
public final class CorpusSender {
  private CorpusSender() {}

  public static void main(String[] args) throws Exception {
    List<Item> items = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).map(Item::parse).toList();
    NetworkInterface nif = NetworkInterface.getByName(args[1]);
    InetSocketAddress v6 = new InetSocketAddress(
        Inet6Address.getByAddress(null, InetAddress.getByName("ff02::1:2").getAddress(), nif), 547);
    InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName(args[2]), 67);
    long deadline = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
    int maxRounds = Integer.parseInt(args[4]);
    int rounds = 0;
    try (DatagramSocket s6 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::"), 0));
        DatagramSocket s4 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 68))) {
      s4.setBroadcast(true);
      s6.setSendBufferSize(1 << 20);
      s4.setSendBufferSize(1 << 20);
      while (rounds < maxRounds && System.nanoTime() < deadline) {
        for (Item it : items) {
          byte[] b = it.bytes();
          s(it.family() == Family.V6 ? s6 : s4, new DatagramPacket(b, b.length, it.family() == Family.V6 ? v6 : v4));
          Thread.sleep(2); // paced: the point is robustness, not overflowing socket buffers
        }
        rounds++;
        System.out.println("round " + rounds + " sent " + items.size());
        Thread.sleep(40);
      }
      System.out.println("rounds=" + rounds);
      // the proxy must still answer a real PXE client's DISCOVER (reply: broadcast or unicast to port 68)
      byte[] d = MalformedCorpus.discover();
      s4.setSoTimeout(500);
      boolean offered = false;
      for (int attempt = 0; attempt < 6 && !offered; attempt++) {
        s4.send(new DatagramPacket(d, d.length, v4));
        long until = System.nanoTime() + 500_000_000L;
        while (!offered && System.nanoTime() < until) {
          DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
          try {
            s4.receive(p);
          } catch (SocketTimeoutException e) {
            break;
          }
          byte[] r = Arrays.copyOf(p.getData(), p.getLength());
          offered = r.length > 240 && r[0] == 2 && Arrays.equals(Arrays.copyOfRange(r, 4, 8), Arrays.copyOfRange(d, 4, 8));
        }
      }
      System.out.println("v4-offer=" + (offered ? "yes" : "no"));
    }
  }

  private static void s(DatagramSocket socket, DatagramPacket p) throws Exception {
    socket.send(p);
  }
}
