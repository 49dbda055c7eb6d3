package dev.bootline.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lab helper run in a child JVM inside the server namespace: {@code PktinfoReflector <port4> <port6> <if>...}.
 * Answers every IPv4 datagram with a broadcast to 255.255.255.255 out of the arrival interface, source = our address
 * on that link; and every IPv6 datagram (multicast to ff02::1:2, joined on each named interface) with a unicast back
 * to the sender through the arrival interface. Payloads name the ifindex, destination and our address.
 */
public final class PktinfoReflector {
  private static final Map<Integer, NetInterface> BY_INDEX = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    int port4 = Integer.parseInt(args[0]);
    int port6 = Integer.parseInt(args[1]);
    List<NetInterface> links = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      NetInterface link = NetInterfaces.require(args[i], NetInterfaces.Need.IPV4, NetInterfaces.Need.IPV6_LINK_LOCAL);
      links.add(link);
      BY_INDEX.put(link.index(), link);
    }
    UdpSocket v4 = UdpSocket.open(UdpSocketConfig.ipv4(port4));
    UdpSocket v6 = UdpSocket.open(UdpSocketConfig.ipv6(port6).withReceiveBufferBytes(256 * 1024));
    for (NetInterface link : links) {
      v6.joinGroup(InetAddress.getByName("ff02::1:2"), link.index());
    }
    Thread t4 = Thread.ofPlatform().name("v4").start(() -> serve(v4, false));
    Thread t6 = Thread.ofPlatform().name("v6").start(() -> serve(v6, true));
    log("ready links=" + links.stream().map(l -> l.name() + "#" + l.index()).toList());
    t4.join();
    t6.join();
  }

  private static void serve(UdpSocket socket, boolean ipv6) {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    while (true) {
      try {
        buffer.clear();
        ReceivedDatagram d = socket.receive(buffer);
        String text = StandardCharsets.UTF_8.decode(buffer.flip()).toString();
        log((ipv6 ? "v6" : "v4") + " received ifindex=" + d.ifIndex() + " dst=" + d.destination().getHostAddress()
            + " from=" + d.source() + " text=" + text);
        NetInterface link = BY_INDEX.get(d.ifIndex());
        if (link == null) {
          log("ignored: not one of our links");
          continue;
        }
        if (ipv6) {
          InetAddress source = link.ipv6LinkLocal().orElseThrow();
          String reply = "ifindex=" + d.ifIndex() + " dst=" + d.destination().getHostAddress() + " server="
              + source.getHostAddress();
          socket.send(utf8(reply), d.source(), d.ifIndex(), source);
          log("v6 replied to " + d.source() + " via ifindex " + d.ifIndex() + ": " + reply);
        } else {
          Inet4Address source = link.firstIpv4().orElseThrow();
          String reply = "ifindex=" + d.ifIndex() + " dst=" + d.destination().getHostAddress() + " server="
              + source.getHostAddress();
          InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("255.255.255.255"), d.source().getPort());
          socket.send(utf8(reply), to, d.ifIndex(), source);
          log("v4 replied to " + to + " via ifindex " + d.ifIndex() + ": " + reply);
        }
      } catch (AsynchronousCloseException closed) {
        return;
      } catch (Exception e) {
        log("error: " + e);
      }
    }
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static synchronized void log(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
