package dev.bootline.tftp;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A one-shot TFTP probe for {@link TftpRealClientsLabIT}, run inside the lab's client namespace: {@code server-ip port
 * file blksize} sends a read request asking for that blksize, prints {@code REPLY <source-ip> <oack options>} for the
 * first answer and ends the transfer with ERROR 8.
 */
public final class TftpProbeMain {
  private TftpProbeMain() {}

  public static void main(String[] args) throws Exception {
    InetAddress server = InetAddress.ofLiteral(args[0]);
    int port = Integer.parseInt(args[1]);
    try (DatagramSocket s = new DatagramSocket(0)) {
      s.setSoTimeout(10_000);
      byte[] rrq =
          TftpCodec.encode(
              new TftpPacket.ReadRequest(
                  args[2], TransferMode.OCTET, List.of(new TftpOption("blksize", args[3]), new TftpOption("tsize", "0"))));
      s.send(new DatagramPacket(rrq, rrq.length, new InetSocketAddress(server, port)));
      byte[] buf = new byte[65536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      byte[] got = java.util.Arrays.copyOf(buf, p.getLength());
      TftpPacket reply = TftpCodec.decode(got);
      String options =
          reply instanceof TftpPacket.OptionAck oack
              ? String.join(" ", oack.options().stream().map(o -> o.lowerName() + "=" + o.value()).toList())
              : reply.toString();
      System.out.println("REPLY " + p.getAddress().getHostAddress() + " " + options);
      byte[] err = TftpCodec.encode(new TftpPacket.Error(8, "probe done"));
      s.send(new DatagramPacket(err, err.length, p.getSocketAddress()));
    }
  }
}
