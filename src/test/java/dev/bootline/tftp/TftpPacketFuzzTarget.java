package dev.bootline.tftp;

import dev.bootline.wire.MalformedPacketException;
import java.util.List;

/**
 * Jazzer target: the TFTP decoder must throw only {@link MalformedPacketException}; whatever decodes must re-encode to
 * the same packet, and a request's options must negotiate within the RFC ranges and drive a transfer to its end.
 */
public final class TftpPacketFuzzTarget {
  private TftpPacketFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) {
    TftpPacket packet;
    try {
      packet = TftpCodec.decode(data);
    } catch (MalformedPacketException e) {
      return;
    }
    TftpPacket again;
    try {
      again = TftpCodec.decode(TftpCodec.encode(packet));
    } catch (MalformedPacketException e) {
      throw new AssertionError("re-encoded packet does not decode: " + packet, e);
    }
    if (!again.equals(packet)) {
      throw new AssertionError("round trip changed " + packet + " into " + again);
    }
    if (packet instanceof TftpPacket.Request r) {
      for (int max : new int[] {1468, 1448, 8, 65464}) {
        check(r.options(), max);
      }
    }
    if (packet instanceof TftpPacket.ReadRequest rrq) {
      runTransfer(rrq, new byte[data.length * 3]);
    }
  }

  private static void check(List<TftpOption> options, int maxBlock) {
    var n = OptionNegotiation.negotiate(options, 123_456, maxBlock, 64);
    if (n.blockSize() < 8 || n.blockSize() > Math.max(512, maxBlock) || n.windowSize() < 1 || n.windowSize() > 64) {
      throw new AssertionError("negotiated out of range: " + n);
    }
    if (n.acknowledged().size() > options.size()) {
      throw new AssertionError("acknowledged options the client did not send: " + n);
    }
    for (TftpOption o : n.acknowledged()) {
      if (options.stream().noneMatch(sent -> sent.name().equals(o.name()))) {
        throw new AssertionError("answered " + o + " which was not asked");
      }
    }
    TftpCodec.encode(new TftpPacket.OptionAck(n.acknowledged()));
  }

  /** Drives the state machine with in-order ACKs; it must finish in exactly as many windows as the size implies. */
  private static void runTransfer(TftpPacket.ReadRequest rrq, byte[] content) {
    var t = new ReadTransfer(rrq, ByteSource.of(content), ReadTransfer.Settings.DEFAULTS);
    var s = t.start(0);
    if (t.negotiated().sendsOack()) {
      s = t.onPacket(new TftpPacket.Ack(0), 0);
    }
    long limit = t.streamLength() / t.negotiated().blockSize() + 2;
    long received = 0;
    for (long round = 0; !s.finished(); round++) {
      if (round > limit || s.send().isEmpty()) {
        throw new AssertionError("transfer does not progress: " + rrq);
      }
      var last = (TftpPacket.Data) s.send().getLast();
      for (TftpPacket p : s.send()) {
        received += ((TftpPacket.Data) p).payload().length;
      }
      s = t.onPacket(new TftpPacket.Ack(last.block()), round);
    }
    if (s.status() != ReadTransfer.Status.COMPLETED || received != t.streamLength()) {
      throw new AssertionError("transfer ended " + s + " after " + received + " of " + t.streamLength());
    }
  }
}
