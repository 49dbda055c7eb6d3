package dev.bootline.tftp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** The TFTP packets of RFC 1350 and RFC 2347. Encode and decode with {@link TftpCodec}. */
public sealed interface TftpPacket {
  int OP_RRQ = 1;
  int OP_WRQ = 2;
  int OP_DATA = 3;
  int OP_ACK = 4;
  int OP_ERROR = 5;
  int OP_OACK = 6;

  int opcode();

  /** RRQ or WRQ: a file name, a mode and the options in the order the client sent them. */
  sealed interface Request extends TftpPacket {
    String filename();

    TransferMode mode();

    List<TftpOption> options();
  }

  record ReadRequest(String filename, TransferMode mode, List<TftpOption> options) implements Request {
    public ReadRequest {
      Objects.requireNonNull(filename, "filename");
      Objects.requireNonNull(mode, "mode");
      options = List.copyOf(options);
    }

    @Override
    public int opcode() {
      return OP_RRQ;
    }
  }

  record WriteRequest(String filename, TransferMode mode, List<TftpOption> options) implements Request {
    public WriteRequest {
      Objects.requireNonNull(filename, "filename");
      Objects.requireNonNull(mode, "mode");
      options = List.copyOf(options);
    }

    @Override
    public int opcode() {
      return OP_WRQ;
    }
  }

  /** A DATA block; {@code block} is the 16-bit wire number (wraps to 0 after 65535). */
  record Data(int block, byte[] payload) implements TftpPacket {
    public Data {
      checkBlock(block);
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public int opcode() {
      return OP_DATA;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Data d && d.block == block && Arrays.equals(d.payload, payload);
    }

    @Override
    public int hashCode() {
      return 31 * block + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      String head = HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 16));
      return "Data[block=" + block + ", " + payload.length + " bytes, " + head + (payload.length > 16 ? "…]" : "]");
    }
  }

  record Ack(int block) implements TftpPacket {
    public Ack {
      checkBlock(block);
    }

    @Override
    public int opcode() {
      return OP_ACK;
    }
  }

  record Error(int code, String message) implements TftpPacket {
    public Error {
      if (code < 0 || code > 0xffff) {
        throw new IllegalArgumentException("error code is 16 bits: " + code);
      }
      Objects.requireNonNull(message, "message");
    }

    public Error(TftpErrorCode code, String message) {
      this(code.code, message);
    }

    @Override
    public int opcode() {
      return OP_ERROR;
    }
  }

  /** RFC 2347 option acknowledgement: only options the server accepts, with the values it accepts. */
  record OptionAck(List<TftpOption> options) implements TftpPacket {
    public OptionAck {
      options = List.copyOf(options);
    }

    @Override
    public int opcode() {
      return OP_OACK;
    }
  }

  private static void checkBlock(int block) {
    if (block < 0 || block > 0xffff) {
      throw new IllegalArgumentException("block number is 16 bits: " + block);
    }
  }
}
