package dev.bootline.dhcp6;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Lab helper run in a relay namespace: a minimal RFC 8415 relay agent that adds nothing but what §19.1 requires, in
 * particular no option 79 (client link-layer address), so the server has to find the MAC elsewhere.
 *
 * <p>{@code Dhcp6LabRelay <client-interface> <link-address> <server-address>}: client messages arriving on port 547
 * of {@code client-interface} (multicast ff02::1:2) are wrapped in a Relay-Forw (hop 0, link-address, peer-address =
 * the client's source, option 9 only) and sent to {@code server-address}:547; a Relay-Repl's option 9 is sent to its
 * peer-address:546 on {@code client-interface}. Prints one line per packet.
 */
public final class Dhcp6LabRelay {
  public static void main(String[] args) throws Exception {
    NetworkInterface down = NetworkInterface.getByName(args[0]);
    byte[] linkAddress = InetAddress.getByName(args[1]).getAddress();
    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[2]), 547);
    try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
      ch.bind(new InetSocketAddress("::", 547));
      ch.join(InetAddress.getByName("ff02::1:2"), down);
      System.out.println("relay ready on " + args[0]);
      ByteBuffer buf = ByteBuffer.allocate(65536);
      while (true) {
        buf.clear();
        InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
        buf.flip();
        byte[] msg = new byte[buf.remaining()];
        buf.get(msg);
        if (msg.length == 0) {
          continue;
        }
        int type = msg[0] & 0xff;
        if (type == 13 && msg.length >= 34) { // Relay-Repl
          byte[] peer = Arrays.copyOfRange(msg, 18, 34);
          byte[] inner = option(msg, 34, 9);
          if (inner == null) {
            System.out.println("relay-repl without option 9");
            continue;
          }
          Inet6Address to = Inet6Address.getByAddress(null, peer, down);
          ch.send(ByteBuffer.wrap(inner), new InetSocketAddress(to, 546));
          System.out.println("repl type " + (inner[0] & 0xff) + " to " + to.getHostAddress());
        } else if (type >= 1 && type <= 11 && from.getPort() == 546) {
          ByteBuffer forw = ByteBuffer.allocate(34 + 4 + msg.length);
          forw.put((byte) 12).put((byte) 0).put(linkAddress).put(from.getAddress().getAddress());
          forw.putShort((short) 9).putShort((short) msg.length).put(msg);
          ch.send(forw.flip(), server);
          System.out.println("forw type " + type + " from " + from.getAddress().getHostAddress() + " as "
              + HexFormat.of().formatHex(forw.array(), 0, 34) + " clientid="
              + (option(msg, 4, 1) == null ? "-" : HexFormat.of().formatHex(option(msg, 4, 1))));
        }
      }
    }
  }

  /** The data of the first option {@code code} in {@code msg} from {@code offset}, or null. */
  static byte[] option(byte[] msg, int offset, int code) {
    int i = offset;
    while (i + 4 <= msg.length) {
      int c = ((msg[i] & 0xff) << 8) | (msg[i + 1] & 0xff);
      int len = ((msg[i + 2] & 0xff) << 8) | (msg[i + 3] & 0xff);
      if (i + 4 + len > msg.length) {
        return null;
      }
      if (c == code) {
        return Arrays.copyOfRange(msg, i + 4, i + 4 + len);
      }
      i += 4 + len;
    }
    return null;
  }
}
