package dev.bootline.tftp;

import dev.bootline.wire.MalformedPacketException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure TFTP codec. Strings are ISO-8859-1 so every byte maps to one char and back (file names are resolved later;
 * nothing here interprets them). Decoding bad input throws only {@link MalformedPacketException}.
 *
 * <p>Leniencies, each seen in real clients: trailing NUL padding after a request's last string is ignored; bytes after
 * an ACK's block number are ignored; an ERROR whose message lacks the terminating NUL keeps the rest as message.
 */
public final class TftpCodec {
  /** RFC 2348 largest block size. */
  public static final int MAX_BLOCK_SIZE = 65464;

  private TftpCodec() {}

  public static TftpPacket decode(byte[] data) throws MalformedPacketException {
    return decode(data, 0, data.length);
  }

  public static TftpPacket decode(byte[] data, int offset, int length) throws MalformedPacketException {
    if (length < 2) {
      throw new MalformedPacketException("truncated", "packet of " + length + " bytes has no opcode");
    }
    int end = offset + length;
    int opcode = u16(data, offset);
    int pos = offset + 2;
    return switch (opcode) {
      case TftpPacket.OP_RRQ, TftpPacket.OP_WRQ -> decodeRequest(opcode, data, pos, end);
      case TftpPacket.OP_DATA -> {
        requireBlock(data, pos, end, "DATA");
        byte[] payload = new byte[end - pos - 2];
        System.arraycopy(data, pos + 2, payload, 0, payload.length);
        if (payload.length > MAX_BLOCK_SIZE) {
          throw new MalformedPacketException("oversized", "DATA payload of " + payload.length + " bytes");
        }
        yield new TftpPacket.Data(u16(data, pos), payload);
      }
      case TftpPacket.OP_ACK -> {
        requireBlock(data, pos, end, "ACK");
        yield new TftpPacket.Ack(u16(data, pos));
      }
      case TftpPacket.OP_ERROR -> {
        requireBlock(data, pos, end, "ERROR");
        int code = u16(data, pos);
        int msgStart = pos + 2;
        int nul = indexOfNul(data, msgStart, end);
        int msgEnd = nul < 0 ? end : nul;
        yield new TftpPacket.Error(code, new String(data, msgStart, msgEnd - msgStart, StandardCharsets.ISO_8859_1));
      }
      case TftpPacket.OP_OACK -> new TftpPacket.OptionAck(decodeOptions(data, pos, end));
      default -> throw new MalformedPacketException("bad_opcode", "unknown opcode " + opcode);
    };
  }

  private static TftpPacket decodeRequest(int opcode, byte[] data, int pos, int end)
      throws MalformedPacketException {
    int nameEnd = indexOfNul(data, pos, end);
    if (nameEnd < 0) {
      throw new MalformedPacketException(pos == end ? "truncated" : "no_terminator", "file name not terminated");
    }
    String filename = latin1(data, pos, nameEnd);
    int modeStart = nameEnd + 1;
    int modeEnd = indexOfNul(data, modeStart, end);
    if (modeEnd < 0) {
      throw new MalformedPacketException(modeStart == end ? "truncated" : "no_terminator", "mode not terminated");
    }
    String modeName = latin1(data, modeStart, modeEnd);
    TransferMode mode =
        TransferMode.fromWire(modeName)
            .orElseThrow(() -> new MalformedPacketException("bad_mode", "unsupported mode '" + modeName + "'"));
    List<TftpOption> options = decodeOptions(data, modeEnd + 1, end);
    return opcode == TftpPacket.OP_RRQ
        ? new TftpPacket.ReadRequest(filename, mode, options)
        : new TftpPacket.WriteRequest(filename, mode, options);
  }

  private static List<TftpOption> decodeOptions(byte[] data, int pos, int end) throws MalformedPacketException {
    List<TftpOption> options = new ArrayList<>();
    while (pos < end) {
      if (allNul(data, pos, end)) {
        break; // padding some PXE ROMs add after the last string
      }
      int nameEnd = indexOfNul(data, pos, end);
      if (nameEnd < 0) {
        throw new MalformedPacketException("no_terminator", "option name not terminated");
      }
      if (nameEnd == pos) {
        throw new MalformedPacketException("bad_option", "empty option name");
      }
      int valueStart = nameEnd + 1;
      int valueEnd = indexOfNul(data, valueStart, end);
      if (valueEnd < 0) {
        throw new MalformedPacketException(
            valueStart == end ? "bad_option" : "no_terminator", "option without a terminated value");
      }
      options.add(new TftpOption(latin1(data, pos, nameEnd), latin1(data, valueStart, valueEnd)));
      pos = valueEnd + 1;
    }
    return options;
  }

  /**
   * Encodes a packet. Throws {@link IllegalArgumentException} for a packet that cannot be represented: a string with a
   * NUL or a char above U+00FF, an empty option name, a payload above {@link #MAX_BLOCK_SIZE}.
   */
  public static byte[] encode(TftpPacket packet) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(packet instanceof TftpPacket.Data d ? d.payload().length + 4 : 64);
    u16(out, packet.opcode());
    switch (packet) {
      case TftpPacket.Request r -> {
        string(out, r.filename());
        string(out, r.mode().wireName);
        options(out, r.options());
      }
      case TftpPacket.Data d -> {
        if (d.payload().length > MAX_BLOCK_SIZE) {
          throw new IllegalArgumentException("payload over " + MAX_BLOCK_SIZE + " bytes");
        }
        u16(out, d.block());
        out.writeBytes(d.payload());
      }
      case TftpPacket.Ack a -> u16(out, a.block());
      case TftpPacket.Error e -> {
        u16(out, e.code());
        string(out, e.message());
      }
      case TftpPacket.OptionAck o -> options(out, o.options());
    }
    return out.toByteArray();
  }

  /**
   * Encodes a packet into {@code out} (cleared first; flipped, ready to send) and returns it. DATA, the per-block hot
   * path, is written straight into the buffer; other packets go through {@link #encode(TftpPacket)}. {@code out} must
   * hold 4 + {@link #MAX_BLOCK_SIZE} bytes.
   */
  public static java.nio.ByteBuffer encode(TftpPacket packet, java.nio.ByteBuffer out) {
    out.clear();
    if (packet instanceof TftpPacket.Data d) {
      if (d.payload().length > MAX_BLOCK_SIZE) {
        throw new IllegalArgumentException("payload over " + MAX_BLOCK_SIZE + " bytes");
      }
      out.putShort((short) TftpPacket.OP_DATA).putShort((short) d.block()).put(d.payload());
    } else {
      out.put(encode(packet));
    }
    return out.flip();
  }

  private static void options(ByteArrayOutputStream out, List<TftpOption> options) {
    for (TftpOption o : options) {
      if (o.name().isEmpty()) {
        throw new IllegalArgumentException("empty option name");
      }
      string(out, o.name());
      string(out, o.value());
    }
  }

  private static void string(ByteArrayOutputStream out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c > 0xff) {
        throw new IllegalArgumentException("cannot encode char U+" + Integer.toHexString(c) + " in a TFTP string");
      }
      out.write(c);
    }
    out.write(0);
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v & 0xff);
  }

  private static void requireBlock(byte[] data, int pos, int end, String what) throws MalformedPacketException {
    if (end - pos < 2) {
      throw new MalformedPacketException("truncated", what + " without a 16-bit number");
    }
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  private static int indexOfNul(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static boolean allNul(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String latin1(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
