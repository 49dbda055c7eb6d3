package dev.bootline.lab;

import dev.bootline.net.ReceivedDatagram;
import dev.bootline.net.UdpSocket;
import dev.bootline.net.UdpSocketConfig;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.HexFormat;

/**
 * Lab helper run in a child JVM inside a namespace: {@code DhcpDiscoverWatcher <port>} receives with the FFM socket
 * and prints one line per BOOTREQUEST: {@code DHCP type=1 ifindex=.. dst=.. src=.. chaddr=..}. It never answers.
 */
public final class DhcpDiscoverWatcher {
  private static final int MAGIC_COOKIE = 0x63825363;

  public static void main(String[] args) throws Exception {
    try (UdpSocket socket = UdpSocket.open(UdpSocketConfig.ipv4(Integer.parseInt(args[0])))) {
      System.out.println("ready on " + socket.localAddress());
      System.out.flush();
      ByteBuffer buffer = ByteBuffer.allocate(2048);
      while (true) {
        buffer.clear();
        ReceivedDatagram d;
        try {
          d = socket.receive(buffer);
        } catch (AsynchronousCloseException closed) {
          return;
        }
        buffer.flip();
        System.out.println(describe(buffer, d));
        System.out.flush();
      }
    }
  }

  static String describe(ByteBuffer p, ReceivedDatagram d) {
    String where = "ifindex=" + d.ifIndex() + " dst=" + d.destination().getHostAddress() + " src=" + d.source();
    if (p.remaining() < 240 || p.get(0) != 1 || p.getInt(236) != MAGIC_COOKIE) {
      return "OTHER len=" + p.remaining() + " " + where;
    }
    int hlen = Math.min(p.get(2) & 0xff, 16);
    byte[] chaddr = new byte[hlen];
    p.get(28, chaddr);
    int type = -1;
    for (int i = 240; i < p.limit(); ) {
      int code = p.get(i) & 0xff;
      if (code == 255) break;
      if (code == 0) {
        i++;
        continue;
      }
      if (i + 1 >= p.limit()) break;
      int len = p.get(i + 1) & 0xff;
      if (code == 53 && len >= 1 && i + 2 < p.limit()) {
        type = p.get(i + 2) & 0xff;
      }
      i += 2 + len;
    }
    return "DHCP type=" + type + " " + where + " chaddr=" + HexFormat.ofDelimiter(":").formatHex(chaddr);
  }
}
