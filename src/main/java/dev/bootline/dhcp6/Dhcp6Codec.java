package dev.bootline.dhcp6;

import dev.bootline.dhcp6.Dhcp6Option.BootFileParams;
import dev.bootline.dhcp6.Dhcp6Option.BootFileUrl;
import dev.bootline.dhcp6.Dhcp6Option.ClientArch;
import dev.bootline.dhcp6.Dhcp6Option.ClientFqdn;
import dev.bootline.dhcp6.Dhcp6Option.ClientId;
import dev.bootline.dhcp6.Dhcp6Option.ClientLinkLayerAddress;
import dev.bootline.dhcp6.Dhcp6Option.DnsServers;
import dev.bootline.dhcp6.Dhcp6Option.DomainList;
import dev.bootline.dhcp6.Dhcp6Option.ElapsedTime;
import dev.bootline.dhcp6.Dhcp6Option.IaAddress;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.IaTa;
import dev.bootline.dhcp6.Dhcp6Option.InterfaceId;
import dev.bootline.dhcp6.Dhcp6Option.Nii;
import dev.bootline.dhcp6.Dhcp6Option.OptionRequest;
import dev.bootline.dhcp6.Dhcp6Option.Preference;
import dev.bootline.dhcp6.Dhcp6Option.RapidCommit;
import dev.bootline.dhcp6.Dhcp6Option.RelayMessageOption;
import dev.bootline.dhcp6.Dhcp6Option.ServerId;
import dev.bootline.dhcp6.Dhcp6Option.StatusCode;
import dev.bootline.dhcp6.Dhcp6Option.Unknown;
import dev.bootline.dhcp6.Dhcp6Option.UserClass;
import dev.bootline.dhcp6.Dhcp6Option.VendorClass;
import dev.bootline.dhcp6.Dhcp6Option.VendorOpts;
import dev.bootline.wire.MalformedPacketException;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Decodes and encodes DHCPv6 messages (RFC 8415, 5970, 6939, 4704). Pure: no I/O. Decoding throws only
 * {@link MalformedPacketException}, for any input, with one of the reasons:
 *
 * <ul>
 *   <li>{@code truncated_header}: shorter than the 4-byte (client/server) or 34-byte (relay) header
 *   <li>{@code truncated_option}: 1..3 bytes left where an option header should be
 *   <li>{@code option_overrun}: an option length runs past the end of its message or parent option
 *   <li>{@code bad_option_length}: a known option whose length does not fit its format
 *   <li>{@code bad_duid}: a Client/Server Identifier whose DUID is too short for its type
 *   <li>{@code bad_domain_name}: a malformed or compressed name in Domain List (24) or FQDN (39)
 *   <li>{@code relay_too_deep}: more than {@link #MAX_RELAY_DEPTH} nested relay messages
 * </ul>
 *
 * Unknown options, unknown DUID types and unassigned message types are kept raw, so {@code encode(decode(b))} equals
 * {@code b} for every {@code b} that decodes.
 */
public final class Dhcp6Codec {
  /** RFC 8415 HOP_COUNT_LIMIT: the most relay messages nested in one datagram. */
  public static final int MAX_RELAY_DEPTH = 32;

  /** Client/server header: msg-type + transaction-id. */
  public static final int CLIENT_HEADER = 4;

  /** Relay header: msg-type, hop-count, link-address, peer-address. */
  public static final int RELAY_HEADER = 34;

  private Dhcp6Codec() {}

  private enum Scope {
    /** Top level of a client/server message. */
    CLIENT,
    /** Top level of a relay message: option 9 holds a message. */
    RELAY,
    /** Inside IA_NA / IA_TA. */
    IA,
    /** Inside IA Address. */
    IAADDR
  }

  public static Dhcp6Message decode(byte[] datagram) throws MalformedPacketException {
    return decode(datagram, 0, datagram.length);
  }

  public static Dhcp6Message decode(byte[] buf, int offset, int length) throws MalformedPacketException {
    if (offset < 0 || length < 0 || length > buf.length - offset) {
      throw new IllegalArgumentException("range outside the buffer");
    }
    return decodeMessage(new Reader(buf, offset, length, "truncated_header"), 0);
  }

  public static byte[] encode(Dhcp6Message message) {
    Writer w = new Writer();
    encodeMessage(message, w);
    return w.toByteArray();
  }

  /** Encodes into {@code w} from its start (a reused per-thread writer); the bytes are {@code w.array()[0, length)}. */
  static int encode(Dhcp6Message message, Writer w) {
    w.reset();
    encodeMessage(message, w);
    return w.position();
  }

  /** A DUID's wire bytes (type included), straight into the message being encoded. */
  static void writeDuid(Duid duid, Writer w) {
    switch (duid) {
      case Duid.Llt l -> {
        w.u16(Duid.TYPE_LLT);
        w.u16(l.hardwareType());
        w.u32(l.time());
        l.linkLayerAddress().writeTo(w);
      }
      case Duid.En e -> {
        w.u16(Duid.TYPE_EN);
        w.u32(e.enterpriseNumber());
        e.identifier().writeTo(w);
      }
      case Duid.Ll l -> {
        w.u16(Duid.TYPE_LL);
        w.u16(l.hardwareType());
        l.linkLayerAddress().writeTo(w);
      }
      case Duid.Uuid u -> {
        w.u16(Duid.TYPE_UUID);
        w.u32(u.uuid().getMostSignificantBits() >>> 32);
        w.u32(u.uuid().getMostSignificantBits());
        w.u32(u.uuid().getLeastSignificantBits() >>> 32);
        w.u32(u.uuid().getLeastSignificantBits());
      }
      case Duid.Unknown u -> {
        w.u16(u.type());
        u.data().writeTo(w);
      }
    }
  }


  // ---- decoding ----

  private static Dhcp6Message decodeMessage(Reader r, int depth) throws MalformedPacketException {
    if (r.remaining() < 1) {
      throw new MalformedPacketException("truncated_header", "empty message");
    }
    int type = r.u8();
    if (type == MessageType.RELAY_FORW.code() || type == MessageType.RELAY_REPL.code()) {
      if (depth >= MAX_RELAY_DEPTH) {
        throw new MalformedPacketException(
            "relay_too_deep", "more than " + MAX_RELAY_DEPTH + " nested relay messages");
      }
      if (r.remaining() < RELAY_HEADER - 1) {
        throw new MalformedPacketException(
            "truncated_header", "relay message of " + (r.remaining() + 1) + " bytes, header needs 34");
      }
      int hops = r.u8();
      Inet6Address link = r.ipv6();
      Inet6Address peer = r.ipv6();
      return new RelayMessage(type, hops, link, peer, decodeOptions(r, Scope.RELAY, depth));
    }
    if (r.remaining() < CLIENT_HEADER - 1) {
      throw new MalformedPacketException(
          "truncated_header", "message of " + (r.remaining() + 1) + " bytes, header needs 4");
    }
    int xid = r.u24();
    return new ClientServerMessage(type, xid, decodeOptions(r, Scope.CLIENT, depth));
  }

  private static List<Dhcp6Option> decodeOptions(Reader r, Scope scope, int depth)
      throws MalformedPacketException {
    List<Dhcp6Option> out = new ArrayList<>();
    while (r.hasRemaining()) {
      if (r.remaining() < 4) {
        throw new MalformedPacketException(
            "truncated_option", r.remaining() + " bytes left where an option header should be");
      }
      int code = r.u16();
      int len = r.u16();
      if (len > r.remaining()) {
        throw new MalformedPacketException(
            "option_overrun", "option " + code + " of length " + len + " has only " + r.remaining() + " bytes");
      }
      Reader body = r.slice(len, "bad_option_length");
      Dhcp6Option opt = decodeOption(code, len, body, scope, depth);
      if (body.hasRemaining()) {
        throw new MalformedPacketException(
            "bad_option_length", "option " + code + " has " + body.remaining() + " unexpected trailing bytes");
      }
      out.add(opt);
    }
    return out;
  }

  private static Dhcp6Option decodeOption(int code, int len, Reader b, Scope scope, int depth)
      throws MalformedPacketException {
    switch (scope) {
      case IA -> {
        return switch (code) {
          case Dhcp6Option.IAADDR -> iaAddress(len, b);
          case Dhcp6Option.STATUS_CODE -> statusCode(len, b);
          default -> new Unknown(code, b.rest());
        };
      }
      case IAADDR -> {
        return code == Dhcp6Option.STATUS_CODE ? statusCode(len, b) : new Unknown(code, b.rest());
      }
      default -> {}
    }
    return switch (code) {
      case Dhcp6Option.CLIENT_ID -> new ClientId(duid(b));
      case Dhcp6Option.SERVER_ID -> new ServerId(duid(b));
      case Dhcp6Option.IA_NA -> {
        atLeast(code, len, 12);
        yield new IaNa(b.u32(), b.u32(), b.u32(), decodeOptions(b, Scope.IA, depth));
      }
      case Dhcp6Option.IA_TA -> {
        atLeast(code, len, 4);
        yield new IaTa(b.u32(), decodeOptions(b, Scope.IA, depth));
      }
      case Dhcp6Option.IAADDR -> iaAddress(len, b);
      case Dhcp6Option.ORO -> {
        multipleOf(code, len, 2);
        List<Integer> codes = new ArrayList<>(len / 2);
        while (b.hasRemaining()) {
          codes.add(b.u16());
        }
        yield new OptionRequest(codes);
      }
      case Dhcp6Option.PREFERENCE -> {
        exactly(code, len, 1);
        yield new Preference(b.u8());
      }
      case Dhcp6Option.ELAPSED_TIME -> {
        exactly(code, len, 2);
        yield new ElapsedTime(b.u16());
      }
      case Dhcp6Option.RELAY_MSG -> {
        if (scope != Scope.RELAY) {
          yield new Unknown(code, b.rest()); // only meaningful in relay messages
        }
        yield new RelayMessageOption(decodeMessage(b, depth + 1));
      }
      case Dhcp6Option.STATUS_CODE -> statusCode(len, b);
      case Dhcp6Option.RAPID_COMMIT -> {
        exactly(code, len, 0);
        yield new RapidCommit();
      }
      case Dhcp6Option.USER_CLASS -> new UserClass(opaqueList(b));
      case Dhcp6Option.VENDOR_CLASS -> {
        atLeast(code, len, 4);
        yield new VendorClass(b.u32(), opaqueList(b));
      }
      case Dhcp6Option.VENDOR_OPTS -> {
        atLeast(code, len, 4);
        yield new VendorOpts(b.u32(), b.rest());
      }
      case Dhcp6Option.INTERFACE_ID -> new InterfaceId(b.rest());
      case Dhcp6Option.DNS_SERVERS -> {
        multipleOf(code, len, 16);
        List<Inet6Address> servers = new ArrayList<>(len / 16);
        while (b.hasRemaining()) {
          servers.add(b.ipv6());
        }
        yield new DnsServers(servers);
      }
      case Dhcp6Option.DOMAIN_LIST -> {
        List<DomainName> names = new ArrayList<>();
        while (b.hasRemaining()) {
          names.add(DomainName.read(b, false));
        }
        yield new DomainList(names);
      }
      case Dhcp6Option.CLIENT_FQDN -> {
        atLeast(code, len, 1);
        yield new ClientFqdn(b.u8(), DomainName.read(b, true));
      }
      case Dhcp6Option.BOOTFILE_URL -> new BootFileUrl(b.rest());
      case Dhcp6Option.BOOTFILE_PARAM -> new BootFileParams(opaqueList(b));
      case Dhcp6Option.CLIENT_ARCH_TYPE -> {
        multipleOf(code, len, 2);
        List<Integer> types = new ArrayList<>(len / 2);
        while (b.hasRemaining()) {
          types.add(b.u16());
        }
        yield new ClientArch(types);
      }
      case Dhcp6Option.NII -> {
        exactly(code, len, 3);
        yield new Nii(b.u8(), b.u8(), b.u8());
      }
      case Dhcp6Option.CLIENT_LINKLAYER_ADDR -> {
        atLeast(code, len, 2);
        yield new ClientLinkLayerAddress(b.u16(), b.rest());
      }
      default -> new Unknown(code, b.rest());
    };
  }

  private static IaAddress iaAddress(int len, Reader b) throws MalformedPacketException {
    atLeast(Dhcp6Option.IAADDR, len, 24);
    return new IaAddress(b.ipv6(), b.u32(), b.u32(), decodeOptions(b, Scope.IAADDR, 0));
  }

  private static StatusCode statusCode(int len, Reader b) throws MalformedPacketException {
    atLeast(Dhcp6Option.STATUS_CODE, len, 2);
    return new StatusCode(b.u16(), b.rest());
  }

  /** A list of u16-length-prefixed items filling the option (User Class, Vendor Class data, Boot File Params). */
  private static List<Bytes> opaqueList(Reader b) throws MalformedPacketException {
    List<Bytes> items = new ArrayList<>();
    while (b.hasRemaining()) {
      items.add(b.bytes(b.u16()));
    }
    return items;
  }

  static Duid duid(Reader r) throws MalformedPacketException {
    if (r.remaining() < 2) {
      throw new MalformedPacketException("bad_duid", "DUID shorter than 2 bytes");
    }
    int type = r.u16();
    int n = r.remaining();
    return switch (type) {
      case Duid.TYPE_LLT -> {
        if (n < 6) {
          throw new MalformedPacketException("bad_duid", "DUID-LLT of " + (n + 2) + " bytes");
        }
        yield new Duid.Llt(r.u16(), r.u32(), r.rest());
      }
      case Duid.TYPE_EN -> {
        if (n < 4) {
          throw new MalformedPacketException("bad_duid", "DUID-EN of " + (n + 2) + " bytes");
        }
        yield new Duid.En(r.u32(), r.rest());
      }
      case Duid.TYPE_LL -> {
        if (n < 2) {
          throw new MalformedPacketException("bad_duid", "DUID-LL of " + (n + 2) + " bytes");
        }
        yield new Duid.Ll(r.u16(), r.rest());
      }
      case Duid.TYPE_UUID -> {
        if (n != 16) {
          throw new MalformedPacketException("bad_duid", "DUID-UUID of " + (n + 2) + " bytes, not 18");
        }
        ByteBuffer bb = ByteBuffer.wrap(r.rest().toArray());
        yield new Duid.Uuid(new UUID(bb.getLong(), bb.getLong()));
      }
      default -> new Duid.Unknown(type, r.rest());
    };
  }

  private static void exactly(int code, int len, int want) throws MalformedPacketException {
    if (len != want) {
      throw new MalformedPacketException(
          "bad_option_length", "option " + code + " has length " + len + ", must be " + want);
    }
  }

  private static void atLeast(int code, int len, int min) throws MalformedPacketException {
    if (len < min) {
      throw new MalformedPacketException(
          "bad_option_length", "option " + code + " has length " + len + ", must be at least " + min);
    }
  }

  private static void multipleOf(int code, int len, int unit) throws MalformedPacketException {
    if (len % unit != 0) {
      throw new MalformedPacketException(
          "bad_option_length", "option " + code + " has length " + len + ", not a multiple of " + unit);
    }
  }

  // ---- encoding ----

  private static void encodeMessage(Dhcp6Message message, Writer w) {
    switch (message) {
      case ClientServerMessage m -> {
        w.u8(m.msgType());
        w.u24(m.transactionId());
      }
      case RelayMessage m -> {
        w.u8(m.msgType());
        w.u8(m.hopCount());
        w.bytes(m.linkAddress().getAddress());
        w.bytes(m.peerAddress().getAddress());
      }
    }
    encodeOptions(message.options(), w);
  }

  private static void encodeOptions(List<Dhcp6Option> options, Writer w) {
    for (Dhcp6Option o : options) {
      encodeOption(o, w);
    }
  }

  private static void encodeOption(Dhcp6Option option, Writer w) {
    w.u16(option.code());
    int start = w.beginLength();
    switch (option) {
      case ClientId o -> writeDuid(o.duid(), w);
      case ServerId o -> writeDuid(o.duid(), w);
      case IaNa o -> {
        w.u32(o.iaid());
        w.u32(o.t1());
        w.u32(o.t2());
        encodeOptions(o.options(), w);
      }
      case IaTa o -> {
        w.u32(o.iaid());
        encodeOptions(o.options(), w);
      }
      case IaAddress o -> {
        w.bytes(o.address().getAddress());
        w.u32(o.preferredLifetime());
        w.u32(o.validLifetime());
        encodeOptions(o.options(), w);
      }
      case OptionRequest o -> o.codes().forEach(w::u16);
      case Preference o -> w.u8(o.value());
      case ElapsedTime o -> w.u16(o.hundredths());
      case RelayMessageOption o -> encodeMessage(o.message(), w);
      case StatusCode o -> {
        w.u16(o.status());
        o.message().writeTo(w);
      }
      case RapidCommit o -> {}
      case UserClass o -> opaqueList(o.classes(), w);
      case VendorClass o -> {
        w.u32(o.enterpriseNumber());
        opaqueList(o.data(), w);
      }
      case VendorOpts o -> {
        w.u32(o.enterpriseNumber());
        o.data().writeTo(w);
      }
      case InterfaceId o -> o.id().writeTo(w);
      case DnsServers o -> o.servers().forEach(a -> w.bytes(a.getAddress()));
      case DomainList o -> o.domains().forEach(d -> d.writeTo(w));
      case ClientFqdn o -> {
        w.u8(o.flags());
        o.name().writeTo(w);
      }
      case BootFileUrl o -> o.value().writeTo(w);
      case BootFileParams o -> opaqueList(o.params(), w);
      case ClientArch o -> o.types().forEach(w::u16);
      case Nii o -> {
        w.u8(o.type());
        w.u8(o.major());
        w.u8(o.minor());
      }
      case ClientLinkLayerAddress o -> {
        w.u16(o.hardwareType());
        o.address().writeTo(w);
      }
      case Unknown o -> o.data().writeTo(w);
    }
    w.endLength(start, option.code());
  }

  private static void opaqueList(List<Bytes> items, Writer w) {
    for (Bytes b : items) {
      w.u16(b.length());
      b.writeTo(w);
    }
  }
}
