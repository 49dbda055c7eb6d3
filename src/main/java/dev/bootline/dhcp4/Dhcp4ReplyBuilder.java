package dev.bootline.dhcp4;

import static dev.bootline.dhcp4.Dhcp4OptionCodes.*;

import dev.bootline.wire.LastValue;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
  /** The fixed leading order; other codes follow in the order added, 82 last. */
  private static final int[] ORDER = {
    MESSAGE_TYPE, SERVER_IDENTIFIER, VENDOR_CLASS_IDENTIFIER, TFTP_SERVER_NAME, BOOTFILE_NAME,
    CLIENT_MACHINE_IDENTIFIER, VENDOR_SPECIFIC
  };
  private static final byte[] ZERO_SNAME = new byte[64];
  private static final byte[] ZERO_FILE = new byte[128];

  // Option items are immutable, so the ones that are the same in every reply are built once and shared (#8: the
  // reply builder's copies were the largest allocation per proxy reply).
  private static final Dhcp4OptionItem.Option[] MESSAGE_TYPE_OPTIONS = new Dhcp4OptionItem.Option[256];
  private static final Dhcp4OptionItem.Option PXE_CLIENT =
      new Dhcp4OptionItem.Option(VENDOR_CLASS_IDENTIFIER, "PXEClient".getBytes(StandardCharsets.US_ASCII));
  private static final Dhcp4OptionItem.Option HTTP_CLIENT =
      new Dhcp4OptionItem.Option(VENDOR_CLASS_IDENTIFIER, "HTTPClient".getBytes(StandardCharsets.US_ASCII));
  private static final Dhcp4OptionItem.Trailer[] ZERO_TRAILERS = new Dhcp4OptionItem.Trailer[Dhcp4Message.BOOTP_MIN_LENGTH];

  /** The server identifier option, built once per address (one per interface; a proxy usually answers on one). */
  private static final LastValue<Inet4Address, Dhcp4OptionItem.Option> SERVER_ID =
      new LastValue<>(Dhcp4ReplyBuilder::serverIdOption);

  private final Dhcp4Message request;
  // The options so far, in the order added: code, data (private to the builder, never changed) and, when the data
  // is one ready-made instance, that instance.
  private int count;
  private int[] codes = new int[8];
  private byte[][] values = new byte[8][];
  private Dhcp4OptionItem.Option[] ready = new Dhcp4OptionItem.Option[8];
  private Inet4Address ciaddr = Ipv4.ANY;
  private Inet4Address yiaddr = Ipv4.ANY;
  private Inet4Address siaddr = Ipv4.ANY;
  private byte[] sname = ZERO_SNAME;
  private byte[] file = ZERO_FILE;
  private int secs;
  private int flags;
  private int minimumLength = Dhcp4Message.BOOTP_MIN_LENGTH;

  Dhcp4ReplyBuilder(Dhcp4Message request, Dhcp4MessageType type) {
    this.request = Objects.requireNonNull(request, "request");
    this.flags = request.flags();
    Dhcp4OptionItem.Option typeOption = MESSAGE_TYPE_OPTIONS[type.code()];
    if (typeOption == null) { // a benign race: two threads build equal items
      typeOption = new Dhcp4OptionItem.Option(MESSAGE_TYPE, new byte[] {(byte) type.code()});
      MESSAGE_TYPE_OPTIONS[type.code()] = typeOption;
    }
    put(MESSAGE_TYPE, null, typeOption);
    echo(CLIENT_MACHINE_IDENTIFIER);
    echo(RELAY_AGENT_INFORMATION);
  }

  /** Copies a request option: its own item when it is one instance in the options field, else its data. */
  private void echo(int code) {
    Dhcp4OptionItem.Option only = null;
    int instances = 0;
    for (Dhcp4OptionItem item : request.options().items()) {
      if (item instanceof Dhcp4OptionItem.Option o && o.code() == code) {
        only = o;
        instances++;
      }
    }
    if (instances == 1 && only.area() == Dhcp4OptionArea.OPTIONS) {
      put(code, null, only);
    } else if (instances > 0) {
      put(code, request.options().get(code).orElseThrow(), null);
    }
  }

  /** Option 54: the server's own address on the interface the request arrived on. */
  public Dhcp4ReplyBuilder serverIdentifier(Inet4Address address) {
    put(SERVER_IDENTIFIER, null, SERVER_ID.get(address));
    return this;
  }

  private static Dhcp4OptionItem.Option serverIdOption(Inet4Address address) {
    return new Dhcp4OptionItem.Option(SERVER_IDENTIFIER, address.getAddress());
  }

  /** Option 60, e.g. {@code PXEClient} or {@code HTTPClient}. */
  public Dhcp4ReplyBuilder vendorClass(String vendorClass) {
    switch (vendorClass) {
      case "PXEClient" -> put(VENDOR_CLASS_IDENTIFIER, null, PXE_CLIENT);
      case "HTTPClient" -> put(VENDOR_CLASS_IDENTIFIER, null, HTTP_CLIENT);
      default -> put(VENDOR_CLASS_IDENTIFIER, vendorClass.getBytes(StandardCharsets.US_ASCII), null);
    }
    return this;
  }

  public Dhcp4ReplyBuilder tftpServerName(String name) {
    return own(TFTP_SERVER_NAME, name.getBytes(StandardCharsets.UTF_8));
  }

  public Dhcp4ReplyBuilder bootfileName(String name) {
    return own(BOOTFILE_NAME, name.getBytes(StandardCharsets.UTF_8));
  }

  /** Option 43 from a PXE model; refuses (IllegalArgumentException naming the overflow) one over 255 bytes. */
  public Dhcp4ReplyBuilder pxeVendorOptions(PxeVendorOptions pxe) {
    return own(VENDOR_SPECIFIC, pxe.encode());
  }

  /** Any option; data over 255 bytes is split into consecutive instances (RFC 3396). Replaces an earlier value. */
  public Dhcp4ReplyBuilder option(int code, byte[] data) {
    return own(code, data.clone());
  }

  /** {@link #option} for data this builder may keep as it is (a fresh array nobody else holds). */
  private Dhcp4ReplyBuilder own(int code, byte[] data) {
    if (code < 1 || code > 254) {
      throw new IllegalArgumentException("option code must be 1..254, got " + code);
    }
    put(code, data, null);
    return this;
  }

  private void put(int code, byte[] data, Dhcp4OptionItem.Option item) {
    withoutOption(code); // re-adding moves it to the end of the "others" order
    if (count == codes.length) {
      codes = Arrays.copyOf(codes, count * 2);
      values = Arrays.copyOf(values, count * 2);
      ready = Arrays.copyOf(ready, count * 2);
    }
    codes[count] = code;
    values[count] = data;
    ready[count] = item;
    count++;
  }

  public Dhcp4ReplyBuilder withoutOption(int code) {
    for (int i = 0; i < count; i++) {
      if (codes[i] == code) {
        System.arraycopy(codes, i + 1, codes, i, count - i - 1);
        System.arraycopy(values, i + 1, values, i, count - i - 1);
        System.arraycopy(ready, i + 1, ready, i, count - i - 1);
        count--;
        values[count] = null;
        ready[count] = null;
        return this;
      }
    }
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
    Dhcp4OptionItem[] items = new Dhcp4OptionItem[count + 8];
    int n = 0;
    int length = Dhcp4Message.OPTIONS_OFFSET;
    for (int rank = 0; rank <= ORDER.length + 1; rank++) { // ORDER, then the others as added, then 82
      for (int i = 0; i < count; i++) {
        if (rank(codes[i]) != rank) {
          continue;
        }
        if (ready[i] != null) {
          items = room(items, n);
          items[n++] = ready[i];
          length += ready[i].wireLength();
          continue;
        }
        byte[] data = values[i];
        int from = 0;
        do { // RFC 3396: a zero-length option is one empty instance; a long one is split at 255
          int to = Math.min(data.length, from + 255);
          // The builder's own array (private, never changed) when it fits whole: no copy.
          byte[] part = from == 0 && to == data.length ? data : Arrays.copyOfRange(data, from, to);
          Dhcp4OptionItem.Option o = Dhcp4OptionItem.Option.owning(Dhcp4OptionArea.OPTIONS, codes[i], part);
          items = room(items, n);
          items[n++] = o;
          length += o.wireLength();
          from = to;
        } while (from < data.length);
      }
    }
    items = room(items, n + 1);
    items[n++] = END;
    length += 1;
    if (length < minimumLength) {
      items[n++] = zeros(minimumLength - length);
    }
    // Owned, not copied: chaddr is the request's (which never changes), sname/file are shared zeros or headerText's
    // fresh arrays, all read-only from here on.
    return Dhcp4Message.owning(
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
        request.chaddrNoCopy(),
        sname,
        file,
        new Dhcp4Options(Arrays.asList(items).subList(0, n))); // the record copies the list
  }

  private static final Dhcp4OptionItem.End END = new Dhcp4OptionItem.End(Dhcp4OptionArea.OPTIONS);

  private static Dhcp4OptionItem[] room(Dhcp4OptionItem[] items, int needed) {
    return needed + 1 < items.length ? items : Arrays.copyOf(items, items.length * 2 + 2);
  }

  private static Dhcp4OptionItem.Trailer zeros(int count) {
    if (count >= ZERO_TRAILERS.length) {
      return Dhcp4OptionItem.Trailer.zeros(Dhcp4OptionArea.OPTIONS, count);
    }
    Dhcp4OptionItem.Trailer t = ZERO_TRAILERS[count];
    if (t == null) { // benign race, as above
      t = Dhcp4OptionItem.Trailer.zeros(Dhcp4OptionArea.OPTIONS, count);
      ZERO_TRAILERS[count] = t;
    }
    return t;
  }

  private static int rank(int code) {
    if (code == RELAY_AGENT_INFORMATION) {
      return ORDER.length + 1;
    }
    for (int i = 0; i < ORDER.length; i++) {
      if (ORDER[i] == code) {
        return i;
      }
    }
    return ORDER.length;
  }
}
