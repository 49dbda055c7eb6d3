package dev.bootline.tftp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Pure RFC 2347 negotiation for a read request. Only options the client sent are answered, in the client's order and
 * spelling; unknown options, malformed values and repeats of an option are ignored (not acknowledged), so the client
 * falls back to the RFC 1350 default for them.
 */
public final class OptionNegotiation {
  public static final int DEFAULT_BLOCK_SIZE = 512;
  public static final int MIN_BLOCK_SIZE = 8;
  /** Largest block size over IPv4 on a 1500-byte MTU: 1500 - 20 (IP) - 8 (UDP) - 4 (TFTP header). */
  public static final int IPV4_ETHERNET_BLOCK_SIZE = 1500 - 20 - 8 - 4;
  /** Largest block size over IPv6 on a 1500-byte MTU: 1500 - 40 (IPv6) - 8 (UDP) - 4 (TFTP header). */
  public static final int IPV6_ETHERNET_BLOCK_SIZE = 1500 - 40 - 8 - 4;

  private OptionNegotiation() {}

  /**
   * What this server will do for a transfer.
   *
   * @param blockSize bytes per DATA block
   * @param windowSize blocks sent before waiting for an ACK
   * @param timeoutSeconds the client's requested retransmission timeout, if accepted
   * @param acknowledged the options for the OACK; empty means no OACK (plain RFC 1350 transfer)
   */
  public record Result(int blockSize, int windowSize, OptionalInt timeoutSeconds, List<TftpOption> acknowledged) {
    public Result {
      acknowledged = List.copyOf(acknowledged);
    }

    public boolean sendsOack() {
      return !acknowledged.isEmpty();
    }

    /** The size announced in the OACK (tsize), if the client asked for it. */
    public OptionalLong transferSize() {
      for (TftpOption o : acknowledged) {
        if (o.is(TftpOption.TSIZE)) {
          return OptionalLong.of(Long.parseLong(o.value()));
        }
      }
      return OptionalLong.empty();
    }
  }

  /**
   * @param requested the options from the RRQ, in order
   * @param transferSize bytes the client will receive (file size; the converted size for netascii), or -1 if unknown
   * @param maxBlockSize largest block that fits the arrival interface: MTU minus IP and UDP headers (1472 for IPv4,
   *     1452 for IPv6 on Ethernet, see {@link #maxBlockSizeForMtu}); values outside 8..65464 are clamped
   * @param maxWindowSize cap for the RFC 7440 window, at least 1
   */
  public static Result negotiate(List<TftpOption> requested, long transferSize, int maxBlockSize, int maxWindowSize) {
    int blockCap = Math.clamp(maxBlockSize, MIN_BLOCK_SIZE, TftpCodec.MAX_BLOCK_SIZE);
    int windowCap = Math.clamp(maxWindowSize, 1, 65535);
    int blockSize = DEFAULT_BLOCK_SIZE;
    int windowSize = 1;
    OptionalInt timeout = OptionalInt.empty();
    List<TftpOption> ack = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (TftpOption o : requested) {
      String name = o.lowerName();
      if (!seen.add(name)) {
        continue; // first occurrence decides
      }
      switch (name) {
        case TftpOption.BLKSIZE -> {
          long v = parse(o.value());
          if (v >= MIN_BLOCK_SIZE) {
            blockSize = (int) Math.min(Math.min(v, TftpCodec.MAX_BLOCK_SIZE), blockCap);
            ack.add(new TftpOption(o.name(), Integer.toString(blockSize)));
          }
        }
        case TftpOption.TSIZE -> {
          if (parse(o.value()) >= 0 && transferSize >= 0) {
            ack.add(new TftpOption(o.name(), Long.toString(transferSize)));
          }
        }
        case TftpOption.TIMEOUT -> {
          long v = parse(o.value());
          if (v >= 1 && v <= 255) {
            timeout = OptionalInt.of((int) v);
            ack.add(new TftpOption(o.name(), Long.toString(v)));
          }
        }
        case TftpOption.WINDOWSIZE -> {
          long v = parse(o.value());
          if (v >= 1 && v <= 65535) {
            windowSize = (int) Math.min(v, windowCap);
            ack.add(new TftpOption(o.name(), Integer.toString(windowSize)));
          }
        }
        default -> {} // unknown: not acknowledged
      }
    }
    return new Result(blockSize, windowSize, timeout, ack);
  }

  /** MTU minus IP and UDP headers and the 4-byte TFTP DATA header: the largest block that is not fragmented. */
  public static int maxBlockSizeForMtu(int mtu, boolean ipv6) {
    return mtu - (ipv6 ? 40 : 20) - 8 - 4;
  }

  /** Decimal digits only, at most 18 of them; -1 for anything else. */
  private static long parse(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
