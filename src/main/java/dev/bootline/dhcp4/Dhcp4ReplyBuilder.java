package dev.bootline.dhcp4;

import static dev.bootline.dhcp4.Dhcp4OptionCodes.*;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a BOOTREPLY (proxy OFFER, boot-server ACK, ...) to a request. Copied from the request: xid, htype, hlen,
 * chaddr, flags (changeable), giaddr, and options 97 (client machine id, echoed as PXE clients expect) and 82 (relay agent info,
 * echoed verbatim per RFC 3046). Everything else starts zero; yiaddr stays 0.0.0.0 unless set (a proxy offer must
 * not assign an address).
 *
 * <p>Options are written in a fixed order firmware is known to accept (53, 54, 60, 66, 67, 97, 43, then others in
 * the order added, 82 last), followed by End and zero padding up to the 300-byte BOOTP minimum.
 */
public final class Dhcp4ReplyBuilder {
  private static final List<Integer> ORDER =
      List.of(MESSAGE_TYPE, SERVER_IDENTIFIER, VENDOR_CLASS_IDENTIFIER, TFTP_SERVER_NAME, BOOTFILE_NAME,
          CLIENT_MACHINE_IDENTIFIER, VENDOR_SPECIFIC);

  private final Dhcp4Message request;
  private final Map<Integer, byte[]> options = new LinkedHashMap<>();
  private Inet4Address ciaddr = Ipv4.ANY;
  private Inet4Address yiaddr = Ipv4.ANY;
  private Inet4Address siaddr = Ipv4.ANY;
  private byte[] sname = new byte[64];
  private byte[] file = new byte[128];
  private int secs;
  private int flags;
  private int minimumLength = Dhcp4Message.BOOTP_MIN_LENGTH;

  Dhcp4ReplyBuilder(Dhcp4Message request, Dhcp4MessageType type) {
    this.request = Objects.requireNonNull(request, "request");
    this.flags = request.flags();
    options.put(MESSAGE_TYPE, new byte[] {(byte) type.code()});
    request.options().get(CLIENT_MACHINE_IDENTIFIER).ifPresent(v -> options.put(CLIENT_MACHINE_IDENTIFIER, v));
    request.options().get(RELAY_AGENT_INFORMATION).ifPresent(v -> options.put(RELAY_AGENT_INFORMATION, v));
  }

  /** Option 54: the server's own address on the interface the request arrived on. */
  public Dhcp4ReplyBuilder serverIdentifier(Inet4Address address) {
    return option(SERVER_IDENTIFIER, address.getAddress());
  }

  /** Option 60, e.g. {@code PXEClient} or {@code HTTPClient}. */
  public Dhcp4ReplyBuilder vendorClass(String vendorClass) {
    return option(VENDOR_CLASS_IDENTIFIER, vendorClass.getBytes(StandardCharsets.US_ASCII));
  }

  public Dhcp4ReplyBuilder tftpServerName(String name) {
    return option(TFTP_SERVER_NAME, name.getBytes(StandardCharsets.UTF_8));
  }

  public Dhcp4ReplyBuilder bootfileName(String name) {
    return option(BOOTFILE_NAME, name.getBytes(StandardCharsets.UTF_8));
  }

  /** Option 43 from a PXE model; refuses (IllegalArgumentException naming the overflow) one over 255 bytes. */
  public Dhcp4ReplyBuilder pxeVendorOptions(PxeVendorOptions pxe) {
    return option(VENDOR_SPECIFIC, pxe.encode());
  }

  /** Any option; data over 255 bytes is split into consecutive instances (RFC 3396). Replaces an earlier value. */
  public Dhcp4ReplyBuilder option(int code, byte[] data) {
    if (code < 1 || code > 254) {
      throw new IllegalArgumentException("option code must be 1..254, got " + code);
    }
    options.remove(code); // re-adding moves it to the end of the "others" order
    options.put(code, data.clone());
    return this;
  }

  public Dhcp4ReplyBuilder withoutOption(int code) {
    options.remove(code);
    return this;
  }

  public Dhcp4ReplyBuilder ciaddr(Inet4Address address) {
    this.ciaddr = Objects.requireNonNull(address);
    return this;
  }

  public Dhcp4ReplyBuilder yiaddr(Inet4Address address) {
    this.yiaddr = Objects.requireNonNull(address);
    return this;
  }

  /** Next server: where the client fetches {@code file} by TFTP. */
  public Dhcp4ReplyBuilder siaddr(Inet4Address address) {
    this.siaddr = Objects.requireNonNull(address);
    return this;
  }

  /** The {@code sname} header field (at most 64 bytes of UTF-8). */
  public Dhcp4ReplyBuilder sname(String text) {
    this.sname = Dhcp4Message.headerText("sname", text, 64);
    return this;
  }

  /** The {@code file} header field (at most 128 bytes of UTF-8): boot file name or, for HTTP boot, the URL. */
  public Dhcp4ReplyBuilder file(String text) {
    this.file = Dhcp4Message.headerText("file", text, 128);
    return this;
  }

  public Dhcp4ReplyBuilder secs(int secs) {
    this.secs = secs;
    return this;
  }

  /** BOOTP flags; copied from the request by default. */
  public Dhcp4ReplyBuilder flags(int flags) {
    this.flags = flags;
    return this;
  }

  /** Sets or clears the broadcast flag (bit 15), keeping the other bits. */
  public Dhcp4ReplyBuilder broadcast(boolean broadcast) {
    this.flags = broadcast ? flags | Dhcp4Message.BROADCAST_FLAG : flags & ~Dhcp4Message.BROADCAST_FLAG;
    return this;
  }

  /** Pads the reply with zeros after End up to this size; default 300 (BOOTP minimum). */
  public Dhcp4ReplyBuilder minimumLength(int bytes) {
    this.minimumLength = bytes;
    return this;
  }

  public Dhcp4Message build() {
    List<Map.Entry<Integer, byte[]>> ordered = new ArrayList<>(options.entrySet());
    ordered.sort(Comparator.comparingInt(e -> rank(e.getKey()))); // stable: others keep insertion order
    List<Dhcp4OptionItem> items = new ArrayList<>();
    int length = Dhcp4Message.OPTIONS_OFFSET;
    for (Map.Entry<Integer, byte[]> e : ordered) {
      byte[] data = e.getValue();
      int from = 0;
      do { // RFC 3396: a zero-length option is one empty instance; a long one is split at 255
        int to = Math.min(data.length, from + 255);
        // Option copies its data itself: pass the builder's own (private, never changed) array when it fits whole.
        byte[] part = from == 0 && to == data.length ? data : Arrays.copyOfRange(data, from, to);
        Dhcp4OptionItem.Option o = new Dhcp4OptionItem.Option(e.getKey(), part);
        items.add(o);
        length += o.wireLength();
        from = to;
      } while (from < data.length);
    }
    items.add(new Dhcp4OptionItem.End(Dhcp4OptionArea.OPTIONS));
    length += 1;
    if (length < minimumLength) {
      items.add(Dhcp4OptionItem.Trailer.zeros(Dhcp4OptionArea.OPTIONS, minimumLength - length));
    }
    return new Dhcp4Message(
        Dhcp4Message.BOOTREPLY,
        request.htype(),
        request.hlen(),
        0,
        request.xid(),
        secs,
        flags,
        ciaddr,
        yiaddr,
        siaddr,
        request.giaddr(),
        request.chaddr(),
        sname,
        file,
        new Dhcp4Options(items));
  }

  private static int rank(int code) {
    if (code == RELAY_AGENT_INFORMATION) {
      return ORDER.size() + 1;
    }
    int i = ORDER.indexOf(code);
    return i >= 0 ? i : ORDER.size();
  }
}
