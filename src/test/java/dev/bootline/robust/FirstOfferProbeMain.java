package dev.bootline.robust;

import dev.bootline.dhcp4.Dhcp4Message;
import dev.bootline.dhcp4.Dhcp4MessageType;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The ProxyDHCP twin of {@link FirstReplyProbeMain} (bench/storm/startup): a UEFI PXE client (MAC
 * {@code 02:00:5e:20:00:02}, {@code PXEClient:Arch:00007}) broadcasts a DHCPDISCOVER every {@code interval-ms} from
 * port 68 until a proxy offer comes: a BOOTREPLY with its xid and chaddr, DHCPOFFER, vendor class {@code PXEClient}
 * and no address (yiaddr 0.0.0.0: a proxy never leases).
 *
 * <p>Args: {@code interval-ms give-up-seconds}. Prints {@code PROBING}, then {@code OFFER <epoch ms> discovers=<n>}
 * and exits 0, or {@code NO-OFFER} and exits 1.
 */
public final class FirstOfferProbeMain {
  private static final byte[] MAC = {0x02, 0x00, 0x5e, 0x20, 0x00, 0x02};
  private static final int XID = 0x5e200002;

  private FirstOfferProbeMain() {}

  public static void main(String[] args) throws Exception {
    long interval = Long.parseLong(args[0]);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    byte[] discover = discover();
    try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
      ch.bind(new InetSocketAddress("0.0.0.0", 68));
      ch.configureBlocking(false);
      InetSocketAddress to = new InetSocketAddress("255.255.255.255", 67);
      System.out.println("PROBING");
      System.out.flush();
      ByteBuffer buf = ByteBuffer.allocate(2048);
      int sent = 0;
      while (System.nanoTime() < giveUp) {
        ch.send(ByteBuffer.wrap(discover), to);
        sent++;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval);
        while (System.nanoTime() < until) {
          buf.clear();
          if (ch.receive(buf) == null) {
            Thread.sleep(1);
            continue;
          }
          byte[] b = new byte[buf.flip().remaining()];
          buf.get(b);
          if (isProxyOffer(b)) {
            System.out.println("OFFER " + System.currentTimeMillis() + " discovers=" + sent);
            System.out.flush();
            return;
          }
        }
      }
      System.out.println("NO-OFFER discovers=" + sent);
      System.exit(1);
    }
  }

  private static boolean isProxyOffer(byte[] b) {
    try {
      Dhcp4Message m = Dhcp4Message.decode(b);
      return m.op() == Dhcp4Message.BOOTREPLY && m.xid() == XID
          && java.util.Arrays.equals(java.util.Arrays.copyOf(m.chaddr(), 6), MAC)
          && m.options().messageType().orElse(null) == Dhcp4MessageType.OFFER
          && m.options().vendorClass().map(v -> v.isPxeClient()).orElse(false)
          && m.yiaddr().isAnyLocalAddress();
    } catch (Exception e) {
      return false; // someone else's datagram or not DHCP
    }
  }

  /** A UEFI x64 PXE DISCOVER as firmware sends it (53, 55, 57, 93, 94, 97, 60). */
  private static byte[] discover() {
    ByteBuffer h = ByteBuffer.allocate(Dhcp4Message.OPTIONS_OFFSET);
    h.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(XID).putShort((short) 0)
        .putShort((short) Dhcp4Message.BROADCAST_FLAG);
    h.position(28).put(MAC);
    h.position(236).putInt(Dhcp4Message.MAGIC_COOKIE);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(h.array());
    o.writeBytes(new byte[] {53, 1, 1});
    o.writeBytes(new byte[] {55, 7, 1, 3, 43, 60, 66, 67, (byte) 128});
    o.writeBytes(new byte[] {57, 2, 0x05, (byte) 0xc0});
    o.writeBytes(new byte[] {93, 2, 0, 7});
    o.writeBytes(new byte[] {94, 3, 1, 3, 16});
    o.writeBytes(new byte[] {97, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    byte[] vc = "PXEClient:Arch:00007:UNDI:003016".getBytes(StandardCharsets.US_ASCII);
    o.write(60);
    o.write(vc.length);
    o.writeBytes(vc);
    o.write(255);
    while (o.size() < Dhcp4Message.BOOTP_MIN_LENGTH) {
      o.write(0);
    }
    return o.toByteArray();
  }
}
