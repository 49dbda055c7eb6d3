package dev.bootline.dhcp4;

import dev.bootline.net.NetInterfaces;
import dev.bootline.net.ReceivedDatagram;
import dev.bootline.net.UdpSocket;
import dev.bootline.net.UdpSocketConfig;
import dev.bootline.wire.Hex;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Lab helper run in a client namespace: {@code ProxyProbeClient <interface> <request.hex>} broadcasts the captured
 * request (a real firmware DISCOVER) from port 68 out of {@code interface} and prints every DHCP reply as {@code
 * REPLY type=.. server=<option 54> siaddr=.. from=..}; gives up after 6 s.
 */
public final class ProxyProbeClient {
  public static void main(String[] args) throws Exception {
    int ifIndex = NetInterfaces.require(args[0]).index();
    byte[] request = Hex.decode(Files.readString(Path.of(args[1])));
    try (UdpSocket socket = UdpSocket.open(UdpSocketConfig.ipv4(68).withBindToDevice(args[0]))) {
      Thread.ofPlatform().daemon(true).start(() -> {
        try {
          Thread.sleep(6_000);
        } catch (InterruptedException ignored) {
          // exit below
        }
        socket.close();
      });
      socket.send(ByteBuffer.wrap(request), new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 67),
          ifIndex, null);
      System.out.println("sent " + request.length + " bytes on " + args[0]);
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (true) {
        buffer.clear();
        ReceivedDatagram d;
        try {
          d = socket.receive(buffer);
        } catch (AsynchronousCloseException e) {
          System.out.println("done");
          return;
        }
        Dhcp4Message m = Dhcp4Message.decode(Arrays.copyOf(buffer.array(), d.length()));
        System.out.println("REPLY type=" + m.messageType().map(Enum::name).orElse("?") + " server="
            + m.options().serverIdentifier().map(InetAddress::getHostAddress).orElse("-") + " siaddr="
            + m.siaddr().getHostAddress() + " yiaddr=" + m.yiaddr().getHostAddress() + " from=" + d.source()
            + " ifindex=" + d.ifIndex());
      }
    }
  }
}
