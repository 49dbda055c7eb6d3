package dev.bootline.dhcp4;

import dev.bootline.wire.MacAddress;

import dev.bootline.wire.MalformedPacketException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A DHCPv4/BOOTP message (RFC 2131 §2): every fixed header field as on the wire and the options as an ordered item
 * sequence. {@code chaddr} keeps all 16 bytes, {@code sname} all 64 and {@code file} all 128, so a decoded message
 * re-encodes byte-identically. The magic cookie is not a field: {@link #decode} requires {@link #MAGIC_COOKIE} and
 * {@link #encode} always writes it.
 *
 * <p>Hardware type: a message with {@code htype != 1} (not Ethernet) decodes; {@link #isEthernet()} tells, and
 * {@link #ethernetMac()} is empty for it. A server that only serves Ethernet clients calls
 * {@link #requireEthernetMac()}, which throws {@code not_ethernet}. {@code hlen > 16} is {@code bad_hlen} at decode,
 * as is {@code htype 1} with {@code hlen != 6}.
 *
 * <p>{@code op}: 1 BOOTREQUEST, 2 BOOTREPLY (other values decode; the caller decides); {@code xid}: transaction id (32
 * bits); {@code secs}: seconds since the client began (u16); {@code flags}: bit 15 = broadcast (u16).
 */
public final class Dhcp4Message {
  // A final class rather than a record (same accessors, same constructor) so that the decoder and the reply builder
  // can hand over arrays they own instead of having each copied again (#8: allocation per reply).
  private final int op;
  private final int htype;
  private final int hlen;
  private final int hops;
  private final int xid;
  private final int secs;
  private final int flags;
  private final Inet4Address ciaddr;
  private final Inet4Address yiaddr;
  private final Inet4Address siaddr;
  private final Inet4Address giaddr;
  private final byte[] chaddr;
  private final byte[] sname;
  private final byte[] file;
  private final Dhcp4Options options;

  public static final int BOOTREQUEST = 1;
  public static final int BOOTREPLY = 2;
  public static final int HTYPE_ETHERNET = 1;
  public static final int MAGIC_COOKIE = 0x63825363;
  public static final int BROADCAST_FLAG = 0x8000;
  /** Fixed header plus cookie: where the options field starts. */
  public static final int OPTIONS_OFFSET = 240;
  /** Many PXE ROMs drop replies shorter than the 300-byte BOOTP minimum (RFC 951 vend area of 64 bytes). */
  public static final int BOOTP_MIN_LENGTH = 300;

  public Dhcp4Message(
      int op, int htype, int hlen, int hops, int xid, int secs, int flags, Inet4Address ciaddr, Inet4Address yiaddr,
      Inet4Address siaddr, Inet4Address giaddr, byte[] chaddr, byte[] sname, byte[] file, Dhcp4Options options) {
    this(op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr,
        fixed("chaddr", chaddr, 16).clone(), fixed("sname", sname, 64).clone(), fixed("file", file, 128).clone(),
        options, true);
  }

  /** Keeps chaddr, sname and file as they are: arrays the caller will never change (fresh copies, shared zeros). */
  static Dhcp4Message owning(
      int op, int htype, int hlen, int hops, int xid, int secs, int flags, Inet4Address ciaddr, Inet4Address yiaddr,
      Inet4Address siaddr, Inet4Address giaddr, byte[] chaddr, byte[] sname, byte[] file, Dhcp4Options options) {
    return new Dhcp4Message(op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr,
        fixed("chaddr", chaddr, 16), fixed("sname", sname, 64), fixed("file", file, 128), options, true);
  }

  private Dhcp4Message(
      int op, int htype, int hlen, int hops, int xid, int secs, int flags, Inet4Address ciaddr, Inet4Address yiaddr,
      Inet4Address siaddr, Inet4Address giaddr, byte[] chaddr, byte[] sname, byte[] file, Dhcp4Options options, boolean owned) {
    checkRange("op", op, 0xff);
    checkRange("htype", htype, 0xff);
    checkRange("hlen", hlen, 0xff);
    checkRange("hops", hops, 0xff);
    checkRange("secs", secs, 0xffff);
    checkRange("flags", flags, 0xffff);
    this.op = op;
    this.htype = htype;
    this.hlen = hlen;
    this.hops = hops;
    this.xid = xid;
    this.secs = secs;
    this.flags = flags;
    this.ciaddr = Objects.requireNonNull(ciaddr, "ciaddr");
    this.yiaddr = Objects.requireNonNull(yiaddr, "yiaddr");
    this.siaddr = Objects.requireNonNull(siaddr, "siaddr");
    this.giaddr = Objects.requireNonNull(giaddr, "giaddr");
    this.chaddr = chaddr;
    this.sname = sname;
    this.file = file;
    this.options = Objects.requireNonNull(options, "options");
  }

  public int op() {
    return op;
  }

  public int htype() {
    return htype;
  }

  public int hlen() {
    return hlen;
  }

  public int hops() {
    return hops;
  }

  /** Transaction id (32 bits). */
  public int xid() {
    return xid;
  }

  /** Seconds since the client began (u16). */
  public int secs() {
    return secs;
  }

  /** Bit 15 = broadcast (u16). */
  public int flags() {
    return flags;
  }

  public Inet4Address ciaddr() {
    return ciaddr;
  }

  public Inet4Address yiaddr() {
    return yiaddr;
  }

  public Inet4Address siaddr() {
    return siaddr;
  }

  public Inet4Address giaddr() {
    return giaddr;
  }

  public Dhcp4Options options() {
    return options;
  }

  /** Decodes a UDP payload; throws only {@link MalformedPacketException}, for any input. */
  public static Dhcp4Message decode(byte[] packet) throws MalformedPacketException {
    return Dhcp4Codec.decode(packet);
  }

  /**
   * Decodes the first {@code length} bytes of a receive buffer; the message keeps no reference to {@code buffer}, so
   * the caller may reuse it for the next datagram.
   */
  public static Dhcp4Message decode(byte[] buffer, int length) throws MalformedPacketException {
    return Dhcp4Codec.decode(buffer, length);
  }

  /** The UDP payload: header, cookie, option items in order per area. */
  public byte[] encode() {
    return Dhcp4Codec.encode(this);
  }

  /**
   * The same bytes as {@link #encode()}, written into {@code buffer} from index 0 (a reused send buffer); returns the
   * length. IndexOutOfBoundsException when the buffer is too small.
   */
  public int encodeInto(byte[] buffer) {
    return Dhcp4Codec.encode(this, buffer);
  }

  /** Starts a BOOTREPLY to {@code request} (OFFER, ACK, ...) for a proxy or boot server. */
  public static Dhcp4ReplyBuilder replyTo(Dhcp4Message request, Dhcp4MessageType type) {
    return new Dhcp4ReplyBuilder(request, type);
  }

  /** The fields without the defensive copy, for the encoder (package-private: nobody outside can mutate them). */
  byte[] chaddrNoCopy() {
    return chaddr;
  }

  byte[] snameNoCopy() {
    return sname;
  }

  byte[] fileNoCopy() {
    return file;
  }

  public byte[] chaddr() {
    return chaddr.clone();
  }

  public byte[] sname() {
    return sname.clone();
  }

  public byte[] file() {
    return file.clone();
  }

  public boolean isRequest() {
    return op == BOOTREQUEST;
  }

  public boolean isReply() {
    return op == BOOTREPLY;
  }

  public boolean isBroadcast() {
    return (flags & BROADCAST_FLAG) != 0;
  }

  public boolean isEthernet() {
    return htype == HTYPE_ETHERNET && hlen == 6;
  }

  /** The first {@code hlen} bytes of chaddr. */
  public byte[] hardwareAddress() {
    return Arrays.copyOf(chaddr, Math.min(hlen, 16));
  }

  /** The client MAC as {@code 52:54:00:12:34:56}, when the hardware type is Ethernet. */
  public Optional<MacAddress> ethernetMac() {
    return isEthernet() ? Optional.of(MacAddress.of(chaddr, 0)) : Optional.empty();
  }

  /** The client MAC, or {@code not_ethernet} for other hardware types (InfiniBand, ...). */
  public MacAddress requireEthernetMac() throws MalformedPacketException {
    return ethernetMac()
        .orElseThrow(
            () ->
                new MalformedPacketException(
                    "not_ethernet", "hardware type " + htype + " length " + hlen + " is not Ethernet"));
  }

  public Optional<Dhcp4MessageType> messageType() {
    return options.messageType();
  }

  /** The {@code file} header field as text, unless option 52 says it carries options. */
  public Optional<String> fileField() {
    boolean overloaded = (options.overload().orElse(0) & 1) != 0;
    return overloaded ? Optional.empty() : nonEmpty(Dhcp4Options.nulTerminated(file));
  }

  /** The {@code sname} header field as text, unless option 52 says it carries options. */
  public Optional<String> snameField() {
    boolean overloaded = (options.overload().orElse(0) & 2) != 0;
    return overloaded ? Optional.empty() : nonEmpty(Dhcp4Options.nulTerminated(sname));
  }

  /** Text for a fixed-size header field: UTF-8, NUL-padded; refuses text that does not fit. */
  public static byte[] headerText(String field, String text, int size) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (b.length > size) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is " + b.length + " bytes; the header field holds " + size);
    }
    return Arrays.copyOf(b, size);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dhcp4Message m
        && op == m.op
        && htype == m.htype
        && hlen == m.hlen
        && hops == m.hops
        && xid == m.xid
        && secs == m.secs
        && flags == m.flags
        && ciaddr.equals(m.ciaddr)
        && yiaddr.equals(m.yiaddr)
        && siaddr.equals(m.siaddr)
        && giaddr.equals(m.giaddr)
        && Arrays.equals(chaddr, m.chaddr)
        && Arrays.equals(sname, m.sname)
        && Arrays.equals(file, m.file)
        && options.equals(m.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, xid, Arrays.hashCode(chaddr), options);
  }

  @Override
  public String toString() {
    return "Dhcp4Message[op=" + op + ", xid=" + String.format("0x%08x", xid) + ", htype=" + htype + ", chaddr="
        + HexFormat.of().formatHex(chaddr, 0, Math.min(hlen, 16)) + ", ciaddr=" + ciaddr.getHostAddress()
        + ", yiaddr=" + yiaddr.getHostAddress() + ", siaddr=" + siaddr.getHostAddress() + ", giaddr="
        + giaddr.getHostAddress() + ", flags=" + String.format("0x%04x", flags) + ", options="
        + options.instances() + "]";
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static byte[] fixed(String name, byte[] value, int size) {
    Objects.requireNonNull(value, name);
    if (value.length != size) {
      throw new IllegalArgumentException(name + " must be " + size + " bytes, got " + value.length);
    }
    return value;
  }

  private static void checkRange(String what, int value, int max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(what + " must be 0.." + max + ", got " + value);
    }
  }
}
