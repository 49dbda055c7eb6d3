package dev.bootline.pcap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads capture files, pure (bytes in, frames out): classic libpcap (either byte order, micro- or nanosecond
 * timestamps) and pcapng (section header, interface description, enhanced/simple/obsolete packet blocks; others are
 * skipped), because tcpdump and tshark write the former and dumpcap, as used by the lab captures, the latter. Then
 * {@link #udp} finds UDP over IPv4/IPv6 in Ethernet (with 802.1Q tags), Linux cooked (SLL, SLL2) and raw-IP frames.
 *
 * <p>Every length read from the file is checked before use; {@link #read} throws only {@link PcapFormatException}.
 */
public final class PcapReader {
  public static final int LINKTYPE_RAW = 101;
  public static final int LINKTYPE_ETHERNET = 1;
  public static final int LINKTYPE_LINUX_SLL = 113;
  public static final int LINKTYPE_LINUX_SLL2 = 276;
  public static final int LINKTYPE_IPV4 = 228;
  public static final int LINKTYPE_IPV6 = 229;

  private static final int PCAPNG_SHB = 0x0a0d0d0a;
  private static final int PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

  private final byte[] b;
  private boolean little;
  private final List<Frame> frames = new ArrayList<>();

  private PcapReader(byte[] b) {
    this.b = b;
  }

  /** All frames of a classic pcap or pcapng file. */
  public static List<Frame> read(byte[] file) throws PcapFormatException {
    PcapReader r = new PcapReader(file);
    if (file.length < 4) {
      throw new PcapFormatException("file of " + file.length + " bytes has no capture header");
    }
    int magic = r.u32be(0);
    if (magic == PCAPNG_SHB) {
      r.readPcapng();
    } else {
      r.readClassic();
    }
    return List.copyOf(r.frames);
  }

  // ---- classic

  private void readClassic() throws PcapFormatException {
    int be = u32be(0);
    boolean nanos;
    switch (be) {
      case 0xa1b2c3d4 -> { little = false; nanos = false; }
      case 0xd4c3b2a1 -> { little = true; nanos = false; }
      case 0xa1b23c4d -> { little = false; nanos = true; }
      case 0x4d3cb2a1 -> { little = true; nanos = true; }
      default -> throw new PcapFormatException(String.format("magic 0x%08x is neither pcap nor pcapng", be));
    }
    need(0, 24, "the 24-byte file header");
    int linkType = u32(20) & 0x0fffffff; // upper bits carry the FCS length flag
    int at = 24;
    while (at < b.length) {
      need(at, 16, "a record header");
      long sec = u32(at) & 0xffffffffL;
      long frac = u32(at + 4) & 0xffffffffL;
      long capLen = u32(at + 8) & 0xffffffffL;
      long origLen = u32(at + 12) & 0xffffffffL;
      need(at + 16, capLen, "a record of " + capLen + " bytes");
      int len = (int) capLen;
      frames.add(new Frame(frames.size() + 1, sec * 1_000_000_000L + (nanos ? frac : frac * 1000), linkType,
          (int) Math.min(origLen, Integer.MAX_VALUE), Arrays.copyOfRange(b, at + 16, at + 16 + len)));
      at += 16 + len;
    }
  }

  // ---- pcapng

  private record Interface(int linkType, long unitsPerSecond) {}

  private void readPcapng() throws PcapFormatException {
    List<Interface> interfaces = new ArrayList<>();
    int at = 0;
    while (at < b.length) {
      need(at, 12, "a block header");
      if (u32be(at) == PCAPNG_SHB) {
        // A new section: its own byte order and interface list.
        need(at, 12, "a section header");
        int bom = u32be(at + 8);
        if (bom == PCAPNG_BYTE_ORDER) {
          little = false;
        } else if (Integer.reverseBytes(bom) == PCAPNG_BYTE_ORDER) {
          little = true;
        } else {
          throw new PcapFormatException(String.format("section header at %d has byte-order magic 0x%08x", at, bom));
        }
        interfaces.clear();
      }
      int type = u32(at);
      long total = u32(at + 4) & 0xffffffffL;
      if (total < 12 || total % 4 != 0) {
        throw new PcapFormatException("block at " + at + " has length " + total);
      }
      need(at, total, "a block of " + total + " bytes");
      int end = at + (int) total;
      if ((u32(end - 4) & 0xffffffffL) != total) {
        throw new PcapFormatException("block at " + at + " has a trailing length that differs from its leading one");
      }
      int body = at + 8;
      int bodyLen = (int) total - 12;
      switch (type) {
        case 1 -> interfaces.add(interfaceBlock(body, bodyLen));
        case 6 -> packet(interfaces, body, bodyLen, true);
        case 2 -> packet(interfaces, body, bodyLen, false);
        case 3 -> {
          need(body, 4, "a simple packet block");
          if (interfaces.isEmpty()) {
            throw new PcapFormatException("simple packet block before any interface description");
          }
          long orig = u32(body) & 0xffffffffL;
          int cap = (int) Math.min(orig, bodyLen - 4);
          frames.add(new Frame(frames.size() + 1, 0, interfaces.getFirst().linkType(), (int) Math.min(orig, Integer.MAX_VALUE),
              Arrays.copyOfRange(b, body + 4, body + 4 + cap)));
        }
        default -> {} // statistics, name resolution, custom, section header: nothing to show
      }
      at = end;
    }
  }

  private Interface interfaceBlock(int body, int len) throws PcapFormatException {
    if (len < 8) {
      throw new PcapFormatException("interface description of " + len + " bytes");
    }
    int linkType = u16(body);
    long units = 1_000_000;
    int at = body + 8;
    int end = body + len;
    while (at + 4 <= end) {
      int code = u16(at);
      int olen = u16(at + 2);
      if (code == 0) {
        break;
      }
      if (at + 4 + olen > end) {
        throw new PcapFormatException("interface option " + code + " runs past its block");
      }
      if (code == 9 && olen >= 1) { // if_tsresol
        int v = b[at + 4] & 0xff;
        int exp = v & 0x7f;
        boolean pow2 = (v & 0x80) != 0;
        if ((pow2 && exp > 62) || (!pow2 && exp > 18)) {
          throw new PcapFormatException("timestamp resolution " + v + " is out of range");
        }
        units = pow2 ? 1L << exp : pow10(exp);
      }
      at += 4 + ((olen + 3) & ~3);
    }
    return new Interface(linkType, units);
  }

  private void packet(List<Interface> interfaces, int body, int len, boolean enhanced) throws PcapFormatException {
    if (len < 20) {
      throw new PcapFormatException("packet block of " + len + " bytes");
    }
    int ifIndex = enhanced ? u32(body) : u16(body);
    if (ifIndex < 0 || ifIndex >= interfaces.size()) {
      throw new PcapFormatException("packet block names interface " + ifIndex + " of " + interfaces.size());
    }
    Interface itf = interfaces.get(ifIndex);
    long ts = ((u32(body + 4) & 0xffffffffL) << 32) | (u32(body + 8) & 0xffffffffL);
    long cap = u32(body + 12) & 0xffffffffL;
    long orig = u32(body + 16) & 0xffffffffL;
    if (cap > len - 20) {
      throw new PcapFormatException("packet of " + cap + " captured bytes in a block with room for " + (len - 20));
    }
    frames.add(new Frame(frames.size() + 1, toNanos(ts, itf.unitsPerSecond()), itf.linkType(),
        (int) Math.min(orig, Integer.MAX_VALUE), Arrays.copyOfRange(b, body + 20, body + 20 + (int) cap)));
  }

  private static long toNanos(long ts, long unitsPerSecond) {
    // Unsigned-safe enough for display: timestamps beyond 2^63 units are nonsense anyway.
    long t = ts & Long.MAX_VALUE;
    long sec = t / unitsPerSecond;
    long rem = t % unitsPerSecond;
    return sec * 1_000_000_000L + (long) ((double) rem * 1e9 / unitsPerSecond);
  }

  private static long pow10(int e) {
    long v = 1;
    for (int i = 0; i < e; i++) {
      v *= 10;
    }
    return v;
  }

  // ---- bytes

  private void need(int at, long len, String what) throws PcapFormatException {
    if (at < 0 || len < 0 || at + len > b.length) {
      throw new PcapFormatException("truncated: " + what + " at offset " + at + " runs past the end (" + b.length + " bytes)");
    }
  }

  private int u32be(int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  private int u32(int at) {
    int v = u32be(at);
    return little ? Integer.reverseBytes(v) : v;
  }

  private int u16(int at) {
    int v = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    return little ? ((v & 0xff) << 8) | (v >>> 8) : v;
  }

  // ---- dissection (never throws: a frame that is not UDP, or is cut short, is simply not a datagram)

  /** The UDP datagram in {@code frame}, if it holds a complete, unfragmented one over IPv4 or IPv6. */
  public static Optional<UdpDatagram> udp(Frame frame) {
    byte[] d = frame.raw();
    int at;
    int etherType;
    switch (frame.linkType()) {
      case LINKTYPE_ETHERNET -> {
        if (d.length < 14) {
          return Optional.empty();
        }
        at = 12;
        etherType = be16(d, at);
        at += 2;
        while ((etherType == 0x8100 || etherType == 0x88a8) && at + 4 <= d.length) { // VLAN tags
          etherType = be16(d, at + 2);
          at += 4;
        }
      }
      case LINKTYPE_LINUX_SLL -> {
        if (d.length < 16) {
          return Optional.empty();
        }
        etherType = be16(d, 14);
        at = 16;
      }
      case LINKTYPE_LINUX_SLL2 -> {
        if (d.length < 20) {
          return Optional.empty();
        }
        etherType = be16(d, 0);
        at = 20;
      }
      case LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6 -> {
        if (d.length < 1) {
          return Optional.empty();
        }
        etherType = (d[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800;
        at = 0;
      }
      default -> {
        return Optional.empty();
      }
    }
    return switch (etherType) {
      case 0x0800 -> ipv4(frame, d, at);
      case 0x86dd -> ipv6(frame, d, at);
      default -> Optional.empty();
    };
  }

  private static Optional<UdpDatagram> ipv4(Frame frame, byte[] d, int at) {
    if (at + 20 > d.length || (d[at] & 0xf0) != 0x40) {
      return Optional.empty();
    }
    int ihl = (d[at] & 0x0f) * 4;
    int total = be16(d, at + 2);
    int fragment = be16(d, at + 6);
    if (ihl < 20 || total < ihl || at + total > d.length || (fragment & 0x3fff) != 0 || (d[at + 9] & 0xff) != 17) {
      return Optional.empty(); // fragments are not reassembled: DHCP and TFTP requests fit one frame
    }
    return udpAt(frame, d, at + ihl, at + total, addr(d, at + 12, 4), addr(d, at + 16, 4));
  }

  private static Optional<UdpDatagram> ipv6(Frame frame, byte[] d, int at) {
    if (at + 40 > d.length || (d[at] & 0xf0) != 0x60) {
      return Optional.empty();
    }
    int end = at + 40 + be16(d, at + 4);
    if (end > d.length) {
      return Optional.empty();
    }
    int next = d[at + 6] & 0xff;
    int p = at + 40;
    // Skip hop-by-hop, routing and destination options; a fragment header means not reassembled here.
    for (int hops = 0; (next == 0 || next == 43 || next == 60) && hops < 16; hops++) {
      if (p + 8 > end) {
        return Optional.empty();
      }
      next = d[p] & 0xff;
      p += 8 + (d[p + 1] & 0xff) * 8;
    }
    if (next != 17 || p > end) {
      return Optional.empty();
    }
    return udpAt(frame, d, p, end, addr(d, at + 8, 16), addr(d, at + 24, 16));
  }

  private static Optional<UdpDatagram> udpAt(Frame frame, byte[] d, int at, int end, InetAddress src, InetAddress dst) {
    if (at + 8 > end) {
      return Optional.empty();
    }
    int len = be16(d, at + 4);
    if (len < 8 || at + len > end) {
      return Optional.empty();
    }
    return Optional.of(new UdpDatagram(frame, src, be16(d, at), dst, be16(d, at + 2), Arrays.copyOfRange(d, at + 8, at + len)));
  }

  private static int be16(byte[] d, int at) {
    return ((d[at] & 0xff) << 8) | (d[at + 1] & 0xff);
  }

  private static InetAddress addr(byte[] d, int at, int len) {
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(d, at, at + len));
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }
}
