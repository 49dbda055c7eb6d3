package dev.bootline.tftp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One read transfer as a pure state machine: no sockets, no clock. The driver feeds it {@link #start}, {@link
 * #onPacket} and {@link #onTimer} with the current time in nanoseconds (any monotonic origin) and sends what each
 * {@link Step} says, then waits for a packet until {@link Step#deadlineNanos()}.
 *
 * <p>Sending follows RFC 7440: a window of blocks, then wait for an ACK. An ACK for the last block of the window
 * slides it; an ACK for an earlier block of the window means the client missed what follows, so sending resumes right
 * after it; a timeout resends the window from the first unacknowledged block. An ACK that acknowledges nothing new
 * (a duplicate, or an old one) is ignored: answering every duplicate with a window is the sorcerer's apprentice bug.
 * Block numbers are 16 bits on the wire and wrap from 65535 to 0; internally blocks are counted in a {@code long}.
 */
public final class ReadTransfer {

  /** How the transfer ended, if it did. */
  public enum Status {
    RUNNING,
    /** The client acknowledged the last block. */
    COMPLETED,
    /** The client answered the OACK with ERROR 8 (OVMF does after learning tsize): a clean end, not a failure. */
    DECLINED,
    FAILED
  }

  /**
   * @param send packets to send to the client, in order
   * @param deadlineNanos when to call {@link #onTimer} if no packet arrives; meaningless once not running
   * @param status {@link Status#RUNNING} until the transfer ended
   * @param reason counter label for the end ({@code completed}, {@code declined_options}, {@code retries_exhausted},
   *     {@code client_error_N}, ...); empty while running
   */
  public record Step(List<TftpPacket> send, long deadlineNanos, Status status, String reason) {
    public Step {
      send = List.copyOf(send);
    }

    public boolean finished() {
      return status != Status.RUNNING;
    }
  }

  /**
   * @param maxBlockSize the arrival interface MTU minus headers (see {@link OptionNegotiation#maxBlockSizeForMtu})
   * @param maxWindowSize cap for the client's windowsize
   * @param defaultTimeout retransmission timeout when the client did not negotiate one
   * @param maxRetries timeouts in a row before giving up
   */
  public record Settings(int maxBlockSize, int maxWindowSize, Duration defaultTimeout, int maxRetries) {
    public static final Settings DEFAULTS =
        new Settings(OptionNegotiation.IPV4_ETHERNET_BLOCK_SIZE, 64, Duration.ofSeconds(1), 5);

    public Settings {
      Objects.requireNonNull(defaultTimeout, "defaultTimeout");
      if (maxRetries < 0 || maxWindowSize < 1 || defaultTimeout.isNegative() || defaultTimeout.isZero()) {
        throw new IllegalArgumentException("bad transfer settings " + this);
      }
    }

    public Settings withMaxBlockSize(int max) {
      return new Settings(max, maxWindowSize, defaultTimeout, maxRetries);
    }
  }

  private enum Phase {
    NEW,
    AWAIT_OACK_ACK,
    SENDING,
    DONE
  }

  private final TftpPacket.ReadRequest request;
  private final ByteSource source;
  private final Settings settings;

  private Phase phase = Phase.NEW;
  private OptionNegotiation.Result negotiated;
  private BlockReader blocks;
  private long lastBlock; // 1-based number of the final (short) block
  private long acked; // highest block the client acknowledged (0 = none)
  private long sent; // highest block sent so far
  private int retries;
  private long timeoutNanos;
  private long deadline;
  private long bytesAcked;

  public ReadTransfer(TftpPacket.ReadRequest request, ByteSource source, Settings settings) {
    this.request = Objects.requireNonNull(request);
    this.source = Objects.requireNonNull(source);
    this.settings = Objects.requireNonNull(settings);
  }

  /** Negotiates and sends the OACK, or the first window when the client sent no option this server answers. */
  public Step start(long nowNanos) {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("already started");
    }
    try {
      long size = source.size();
      long streamLength =
          request.mode() == TransferMode.NETASCII ? BlockReader.Netascii.convertedLength(source, size) : size;
      negotiated =
          OptionNegotiation.negotiate(
              request.options(), streamLength, settings.maxBlockSize(), settings.maxWindowSize());
      blocks = BlockReader.open(source, request.mode(), negotiated.blockSize());
      lastBlock = blocks.length() / negotiated.blockSize() + 1;
      timeoutNanos =
          negotiated.timeoutSeconds().isPresent()
              ? Duration.ofSeconds(negotiated.timeoutSeconds().getAsInt()).toNanos()
              : settings.defaultTimeout().toNanos();
    } catch (IOException e) {
      return readError(e);
    }
    if (negotiated.sendsOack()) {
      phase = Phase.AWAIT_OACK_ACK;
      deadline = nowNanos + timeoutNanos;
      return running(List.of(oack()));
    }
    phase = Phase.SENDING;
    return sendWindowFrom(1, nowNanos);
  }

  public Step onPacket(TftpPacket packet, long nowNanos) {
    return switch (phase) {
      case NEW -> throw new IllegalStateException("not started");
      case DONE -> new Step(List.of(), deadline, Status.FAILED, "already_finished");
      case AWAIT_OACK_ACK, SENDING -> switch (packet) {
        case TftpPacket.Ack a -> onAck(a.block(), nowNanos);
        case TftpPacket.Error e -> onError(e);
        default -> {
          phase = Phase.DONE;
          yield new Step(
              List.of(new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION, "expected an ACK")),
              deadline,
              Status.FAILED,
              "illegal_operation");
        }
      };
    };
  }

  /** The deadline passed without progress: resend from the first unacknowledged block, or give up. */
  public Step onTimer(long nowNanos) {
    if (phase == Phase.NEW) {
      throw new IllegalStateException("not started");
    }
    if (phase == Phase.DONE) {
      return new Step(List.of(), deadline, Status.FAILED, "already_finished");
    }
    if (nowNanos - deadline < 0) {
      return running(List.of()); // early wake-up: keep waiting
    }
    if (++retries > settings.maxRetries()) {
      phase = Phase.DONE;
      return new Step(List.of(), deadline, Status.FAILED, "retries_exhausted");
    }
    if (phase == Phase.AWAIT_OACK_ACK) {
      deadline = nowNanos + timeoutNanos;
      return running(List.of(oack()));
    }
    return sendWindowFrom(acked + 1, nowNanos);
  }

  private Step onAck(int wireBlock, long nowNanos) {
    // The only block numbers that can be acknowledged lie within 65536 of the highest one sent.
    long block = sent - ((sent - wireBlock) & 0xffff);
    if (phase == Phase.AWAIT_OACK_ACK) {
      if (block != 0) {
        return running(List.of()); // stray ACK: wait for ACK 0
      }
      phase = Phase.SENDING;
      retries = 0;
      return sendWindowFrom(1, nowNanos);
    }
    if (block <= acked) {
      return running(List.of()); // duplicate or old ACK: never answer it with data (sorcerer's apprentice)
    }
    bytesAcked += Math.min(blocks.length(), block * negotiated.blockSize()) - Math.min(blocks.length(), acked * negotiated.blockSize());
    acked = block;
    retries = 0;
    blocks.release(acked); // block index acked = wire block acked + 1, the first one still needed
    if (acked == lastBlock) {
      phase = Phase.DONE;
      return new Step(List.of(), deadline, Status.COMPLETED, "completed");
    }
    // End of window: slide. Earlier block (RFC 7440 §4): the client lost what follows, resume right after it.
    return sendWindowFrom(acked + 1, nowNanos);
  }

  private Step onError(TftpPacket.Error e) {
    phase = Phase.DONE;
    boolean atOack = sent == 0 && negotiated.sendsOack();
    if (atOack && e.code() == TftpErrorCode.OPTIONS_REFUSED.code) {
      return new Step(List.of(), deadline, Status.DECLINED, "declined_options");
    }
    String reason = e.code() <= TftpErrorCode.OPTIONS_REFUSED.code ? "client_error_" + e.code() : "client_error_other";
    return new Step(List.of(), deadline, Status.FAILED, reason);
  }

  private Step sendWindowFrom(long first, long nowNanos) {
    long last = Math.min(first + negotiated.windowSize() - 1, lastBlock);
    List<TftpPacket> out = new ArrayList<>((int) (last - first + 1));
    try {
      for (long b = first; b <= last; b++) {
        out.add(new TftpPacket.Data((int) (b & 0xffff), blocks.block(b - 1)));
      }
    } catch (IOException e) {
      return readError(e);
    }
    sent = Math.max(sent, last);
    deadline = nowNanos + timeoutNanos;
    return running(out);
  }

  private Step readError(IOException e) {
    phase = Phase.DONE;
    return new Step(
        List.of(new TftpPacket.Error(TftpErrorCode.NOT_DEFINED, "read error")), deadline, Status.FAILED, "read_error");
  }

  private TftpPacket.OptionAck oack() {
    return new TftpPacket.OptionAck(negotiated.acknowledged());
  }

  private Step running(List<TftpPacket> send) {
    return new Step(send, deadline, Status.RUNNING, "");
  }

  /** The negotiated options; null before {@link #start}. */
  public OptionNegotiation.Result negotiated() {
    return negotiated;
  }

  /** Bytes of the stream the client has acknowledged. */
  public long bytesAcknowledged() {
    return bytesAcked;
  }

  /** Bytes the client receives in total (after netascii conversion); -1 before {@link #start}. */
  public long streamLength() {
    return blocks == null ? -1 : blocks.length();
  }
}
