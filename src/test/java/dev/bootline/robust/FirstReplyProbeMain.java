package dev.bootline.robust;

import dev.bootline.dhcp6.ClientServerMessage;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Message;
import dev.bootline.dhcp6.Dhcp6Option.ClientId;
import dev.bootline.dhcp6.Dhcp6Option.IaAddress;
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
import java.util.concurrent.TimeUnit;

/**
 * Measures when a (re)starting server first completes a DHCPv6 exchange: one machine (MAC {@code 02:00:5e:20:00:01})
 * sends a Solicit every {@code interval-ms} until an Advertise comes, then a Request every interval until the Reply;
 * both must carry base ‖ MAC (checked as {@link StormClientMain} does). Unlike a firmware client (1 s, 2 s, 4 s …
 * back-off) it probes fast, so the time it prints is the server's, not the client's retransmission schedule.
 *
 * <p>Args: {@code iface base-address interval-ms give-up-seconds}. Prints {@code PROBING} once the socket is bound,
 * then {@code REPLY <epoch ms> solicits=<n> requests=<n>} and exits 0, or {@code NO-REPLY} and exits 1.
 */
public final class FirstReplyProbeMain {
  private FirstReplyProbeMain() {}

  public static void main(String[] args) throws Exception {
    NetworkInterface nif = NetworkInterface.getByName(args[0]);
    byte[] base = InetAddress.ofLiteral(args[1]).getAddress();
    long interval = Long.parseLong(args[2]);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
    MacAddress mac = MacAddress.of(new byte[] {0x02, 0x00, 0x5e, 0x20, 0x00, 0x01});
    Inet6Address expected = StormClientMain.derived(base, mac);
    ClientId clientId = new ClientId(Duid.Ll.ethernet(mac));
    try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
      ch.bind(new InetSocketAddress(StormClientMain.CLIENT_PORT));
      ch.configureBlocking(false);
      InetSocketAddress to = new InetSocketAddress(
          Inet6Address.getByAddress(null, InetAddress.ofLiteral("ff02::1:2").getAddress(), nif), StormClientMain.SERVER_PORT);
      System.out.println("PROBING");
      System.out.flush();
      int[] sent = new int[2];
      ClientServerMessage solicit = ClientServerMessage.builder(MessageType.SOLICIT, 0x200001).add(clientId)
          .add(IaNa.of(1, 0, 0)).addAll(StormClientMain.firmwareOptions()).build();
      ClientServerMessage adv = probe(ch, to, solicit, MessageType.ADVERTISE, interval, giveUp, sent, 0);
      if (adv == null) {
        System.out.println("NO-REPLY (no ADVERTISE) solicits=" + sent[0]);
        System.exit(1);
      }
      StormClientMain.checkAddress(adv, expected, "ADVERTISE");
      ServerId server = adv.option(ServerId.class).orElseThrow();
      ClientServerMessage request = ClientServerMessage.builder(MessageType.REQUEST, 0x200002).add(clientId).add(server)
          .add(IaNa.of(1, 0, 0, IaAddress.of(expected, 0, 0))).addAll(StormClientMain.firmwareOptions()).build();
      ClientServerMessage reply = probe(ch, to, request, MessageType.REPLY, interval, giveUp, sent, 1);
      if (reply == null) {
        System.out.println("NO-REPLY (no REPLY) solicits=" + sent[0] + " requests=" + sent[1]);
        System.exit(1);
      }
      StormClientMain.checkAddress(reply, expected, "REPLY");
      System.out.println("REPLY " + System.currentTimeMillis() + " solicits=" + sent[0] + " requests=" + sent[1]);
      System.out.flush();
    }
  }

  /** Sends {@code m} every {@code interval} ms until an answer of type {@code want} with its transaction id comes. */
  static ClientServerMessage probe(DatagramChannel ch, InetSocketAddress to, ClientServerMessage m, MessageType want,
      long interval, long giveUp, int[] sent, int slot) throws Exception {
    byte[] wire = Dhcp6Codec.encode(m);
    ByteBuffer buf = ByteBuffer.allocate(65536);
    while (System.nanoTime() < giveUp) {
      ch.send(ByteBuffer.wrap(wire), to);
      sent[slot]++;
      long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
      while (System.nanoTime() < next) {
        buf.clear();
        if (ch.receive(buf) == null) {
          Thread.sleep(1);
          continue;
        }
        buf.flip();
        byte[] b = new byte[buf.remaining()];
        buf.get(b);
        Dhcp6Message r;
        try {
          r = Dhcp6Codec.decode(b);
        } catch (RuntimeException e) {
          continue;
        }
        if (r instanceof ClientServerMessage c && c.transactionId() == m.transactionId() && c.is(want)) {
          return c;
        }
      }
    }
    return null;
  }
}
