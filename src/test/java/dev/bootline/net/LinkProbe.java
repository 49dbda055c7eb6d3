package dev.bootline.net;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Lab helper: a DHCP-client-like prober using only the JDK (independent of the code under test), run inside a
 * single-homed client namespace. {@code LinkProbe v4 <ifname>}: broadcasts to 255.255.255.255:67 from port 68;
 * {@code LinkProbe v6 <ifname>}: sends to [ff02::1:2%ifname]:547 from port 546. Prints {@code REPLY from=... text=...}
 * and exits 0 on the first answer; exits 1 after 10 tries without one.
 */
public final class LinkProbe {
  public static void main(String[] args) throws Exception {
    boolean v6 = args[0].equals("v6");
    String ifName = args[1];
    InetSocketAddress bind = v6 ? new InetSocketAddress(InetAddress.getByName("::"), 546)
        : new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 68);
    InetSocketAddress to = v6 ? new InetSocketAddress(InetAddress.getByName("ff02::1:2%" + ifName), 547)
        : new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 67);
    try (DatagramSocket socket = new DatagramSocket(null)) {
      socket.setReuseAddress(true);
      socket.setBroadcast(true);
      socket.bind(bind);
      socket.setSoTimeout(1000);
      byte[] probe = ("probe via " + ifName).getBytes(StandardCharsets.UTF_8);
      for (int attempt = 1; attempt <= 10; attempt++) {
        socket.send(new DatagramPacket(probe, probe.length, to));
        System.out.println("sent attempt " + attempt + " to " + to);
        try {
          DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
          socket.receive(reply);
          System.out.println("REPLY from=" + reply.getAddress().getHostAddress() + " text="
              + new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
          System.out.flush();
          return;
        } catch (SocketTimeoutException e) {
          // try again
        }
      }
    }
    System.out.println("NO REPLY");
    System.exit(1);
  }
}
