package dev.bootline.dhcp4;

import dev.bootline.wire.MalformedPacketException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wire format of {@link Dhcp4Message}. Decoding is lossless: every byte lands in a header field or an option item
 * (option, pad run, end, trailer), so {@code encode(decode(p))} equals {@code p} for every packet that decodes.
 *
 * <p>Reasons thrown: {@code truncated_header} (under 240 bytes), {@code bad_cookie}, {@code bad_hlen},
 * {@code option_overrun} (a code without its length byte, or a length past the end of its area),
 * {@code bad_overload} (option 52 not exactly one byte of 1, 2 or 3).
 */
final class Dhcp4Codec {
  private Dhcp4Codec() {}

  static final int SNAME_OFFSET = 44;
  static final int FILE_OFFSET = 108;
  static final int COOKIE_OFFSET = 236;

  static Dhcp4Message decode(byte[] p) throws MalformedPacketException {
    return decode(p, p == null ? 0 : p.length);
  }

  /**
   * Decodes the first {@code length} bytes of {@code p} (a receive buffer). The message keeps copies only, never
   * {@code p} itself, so the caller may reuse the buffer at once.
   */
  static Dhcp4Message decode(byte[] p, int length) throws MalformedPacketException {
    if (p == null || length < Dhcp4Message.OPTIONS_OFFSET) {
      throw new MalformedPacketException(
          "truncated_header",
          "DHCPv4 needs at least " + Dhcp4Message.OPTIONS_OFFSET + " bytes (header and cookie), got "
              + (p == null ? 0 : length));
    }
    if (length > p.length) {
      throw new IllegalArgumentException("length " + length + " is past the buffer's " + p.length);
    }
    int cookie = u32(p, COOKIE_OFFSET);
    if (cookie != Dhcp4Message.MAGIC_COOKIE) {
      throw new MalformedPacketException(
          "bad_cookie", String.format("magic cookie is 0x%08x, not 0x63825363 (plain BOOTP is not served)", cookie));
    }
    int htype = p[1] & 0xff;
    int hlen = p[2] & 0xff;
    if (hlen > 16) {
      throw new MalformedPacketException("bad_hlen", "hardware address length " + hlen + " is over 16");
    }
    if (htype == Dhcp4Message.HTYPE_ETHERNET && hlen != 6) {
      throw new MalformedPacketException("bad_hlen", "Ethernet hardware address length " + hlen + ", not 6");
    }

    List<Dhcp4OptionItem> items = new ArrayList<>(32); // a PXE request has ~20 items: no regrowth
    parseArea(p, Dhcp4Message.OPTIONS_OFFSET, length, Dhcp4OptionArea.OPTIONS, items);
    int overload = overload(items);
    if ((overload & 1) != 0) {
      parseArea(p, FILE_OFFSET, FILE_OFFSET + 128, Dhcp4OptionArea.FILE, items);
    }
    if ((overload & 2) != 0) {
      parseArea(p, SNAME_OFFSET, SNAME_OFFSET + 64, Dhcp4OptionArea.SNAME, items);
    }

    return Dhcp4Message.owning( // the copies below are the message's own
        p[0] & 0xff,
        htype,
        hlen,
        p[3] & 0xff,
        u32(p, 4),
        u16(p, 8),
        u16(p, 10),
        Ipv4.of(p, 12),
        Ipv4.of(p, 16),
        Ipv4.of(p, 20),
        Ipv4.of(p, 24),
        Arrays.copyOfRange(p, 28, 44),
        Arrays.copyOfRange(p, SNAME_OFFSET, SNAME_OFFSET + 64),
        Arrays.copyOfRange(p, FILE_OFFSET, FILE_OFFSET + 128),
        new Dhcp4Options(items));
  }

  /** Option 52 from the options field (RFC 3396 concatenated): 0 when absent, else 1..3. */
  private static int overload(List<Dhcp4OptionItem> items) throws MalformedPacketException {
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    boolean seen = false;
    for (Dhcp4OptionItem item : items) {
      if (item instanceof Dhcp4OptionItem.Option o && o.code() == Dhcp4OptionCodes.OVERLOAD) {
        seen = true;
        value.write(o.dataNoCopy(), 0, o.length());
      }
    }
    if (!seen) {
      return 0;
    }
    byte[] v = value.toByteArray();
    if (v.length != 1 || v[0] < 1 || v[0] > 3) {
      throw new MalformedPacketException(
          "bad_overload", "option 52 must be one byte 1, 2 or 3, got " + java.util.HexFormat.of().formatHex(v));
    }
    return v[0];
  }

  private static void parseArea(byte[] p, int start, int end, Dhcp4OptionArea area, List<Dhcp4OptionItem> items)
      throws MalformedPacketException {
    int i = start;
    while (i < end) {
      int code = p[i] & 0xff;
      if (code == Dhcp4OptionCodes.PAD) {
        int run = i;
        while (run < end && p[run] == 0) {
          run++;
        }
        items.add(new Dhcp4OptionItem.Pad(area, run - i));
        i = run;
      } else if (code == Dhcp4OptionCodes.END) {
        items.add(new Dhcp4OptionItem.End(area));
        if (i + 1 < end) {
          items.add(new Dhcp4OptionItem.Trailer(area, Arrays.copyOfRange(p, i + 1, end)));
        }
        return;
      } else {
        if (i + 1 >= end) {
          throw new MalformedPacketException(
              "option_overrun", "option " + code + " at " + area + " offset " + (i - start) + " has no length byte");
        }
        int len = p[i + 1] & 0xff;
        if (i + 2 + len > end) {
          throw new MalformedPacketException(
              "option_overrun",
              "option " + code + " at " + area + " offset " + (i - start) + " claims " + len + " bytes, "
                  + (end - i - 2) + " left");
        }
        items.add(Dhcp4OptionItem.Option.owning(area, code, Arrays.copyOfRange(p, i + 2, i + 2 + len)));
        i += 2 + len;
      }
    }
    // No end marker: tolerated (some BOOTP-era senders stop at the last option); re-encoding writes none either.
  }

  static byte[] encode(Dhcp4Message m) {
    byte[] out = new byte[encodedLength(m)];
    encode(m, out);
    return out;
  }

  /** Size of {@link #encode(Dhcp4Message)}'s result: header and cookie, then the options field's items. */
  static int encodedLength(Dhcp4Message m) {
    int length = Dhcp4Message.OPTIONS_OFFSET;
    for (Dhcp4OptionItem item : m.options().items()) {
      if (item.area() == Dhcp4OptionArea.OPTIONS) {
        length += item.wireLength();
      }
    }
    return length;
  }

  /**
   * Writes the message into {@code out} from index 0 (a reused per-thread send buffer) and returns its length; throws
   * IndexOutOfBoundsException when it does not fit.
   */
  static int encode(Dhcp4Message m, byte[] out) {
    int n = encodedLength(m);
    if (n > out.length) {
      throw new IndexOutOfBoundsException("message of " + n + " bytes, buffer of " + out.length);
    }
    out[0] = (byte) m.op();
    out[1] = (byte) m.htype();
    out[2] = (byte) m.hlen();
    out[3] = (byte) m.hops();
    putU32(out, 4, m.xid());
    out[8] = (byte) (m.secs() >> 8);
    out[9] = (byte) m.secs();
    out[10] = (byte) (m.flags() >> 8);
    out[11] = (byte) m.flags();
    putAddress(out, 12, m.ciaddr());
    putAddress(out, 16, m.yiaddr());
    putAddress(out, 20, m.siaddr());
    putAddress(out, 24, m.giaddr());
    System.arraycopy(m.chaddrNoCopy(), 0, out, 28, 16);
    List<Dhcp4OptionItem> items = m.options().items();
    System.arraycopy(fieldOrOverload(m.snameNoCopy(), items, Dhcp4OptionArea.SNAME), 0, out, SNAME_OFFSET, 64);
    System.arraycopy(fieldOrOverload(m.fileNoCopy(), items, Dhcp4OptionArea.FILE), 0, out, FILE_OFFSET, 128);
    putU32(out, COOKIE_OFFSET, Dhcp4Message.MAGIC_COOKIE);
    int i = Dhcp4Message.OPTIONS_OFFSET;
    for (Dhcp4OptionItem item : items) {
      if (item.area() == Dhcp4OptionArea.OPTIONS) {
        i = writeItem(out, i, item);
      }
    }
    return i;
  }

  private static void putAddress(byte[] out, int at, java.net.Inet4Address a) {
    if (a != Ipv4.ANY) { // the buffer may be reused: zero it explicitly
      System.arraycopy(a.getAddress(), 0, out, at, 4);
    } else {
      putU32(out, at, 0);
    }
  }

  private static void putU32(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
  }

  /** Writes one item at {@code at}; returns the index after it. */
  private static int writeItem(byte[] out, int at, Dhcp4OptionItem item) {
    switch (item) {
      case Dhcp4OptionItem.Option o -> {
        out[at] = (byte) o.code();
        out[at + 1] = (byte) o.length();
        System.arraycopy(o.dataNoCopy(), 0, out, at + 2, o.length());
      }
      case Dhcp4OptionItem.Pad pad -> Arrays.fill(out, at, at + pad.count(), (byte) 0);
      case Dhcp4OptionItem.End e -> out[at] = (byte) Dhcp4OptionCodes.END;
      case Dhcp4OptionItem.Trailer t -> System.arraycopy(t.bytesNoCopy(), 0, out, at, t.wireLength());
    }
    return at + item.wireLength();
  }

  /**
   * The header field's bytes, or, when the items hold options for that area (overload), those items encoded into it
   * and zero-filled (or zero-trimmed) to the field size. Items for an area win over the raw field.
   */
  private static byte[] fieldOrOverload(byte[] field, List<Dhcp4OptionItem> items, Dhcp4OptionArea area) {
    if (!hasItemIn(items, area)) {
      return field;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(field.length);
    int required = 0; // bytes up to the last item that is not zero filler (pad run, all-zero trailer)
    for (Dhcp4OptionItem item : items) {
      if (item.area() != area) {
        continue;
      }
      writeItem(out, item);
      boolean filler =
          item instanceof Dhcp4OptionItem.Pad
              || (item instanceof Dhcp4OptionItem.Trailer t && allZero(t.bytesNoCopy()));
      if (!filler) {
        required = out.size();
      }
    }
    // A decoded area is exactly the field size; when an option grew, the zero filler after it may be dropped.
    if (required > field.length) {
      throw new IllegalArgumentException(
          "options overloaded into " + area + " take " + required + " bytes; the field holds " + field.length);
    }
    byte[] encoded = out.toByteArray();
    return Arrays.copyOf(encoded, field.length);
  }

  private static boolean hasItemIn(List<Dhcp4OptionItem> items, Dhcp4OptionArea area) {
    for (Dhcp4OptionItem item : items) { // a loop, not a stream: twice per encoded packet
      if (item.area() == area) {
        return true;
      }
    }
    return false;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static void writeItem(ByteArrayOutputStream out, Dhcp4OptionItem item) {
    switch (item) {
      case Dhcp4OptionItem.Option o -> {
        out.write(o.code());
        out.write(o.length());
        out.write(o.dataNoCopy(), 0, o.length());
      }
      case Dhcp4OptionItem.Pad pad -> out.writeBytes(new byte[pad.count()]);
      case Dhcp4OptionItem.End e -> out.write(Dhcp4OptionCodes.END);
      case Dhcp4OptionItem.Trailer t -> out.writeBytes(t.bytesNoCopy());
    }
  }

  private static int u16(byte[] p, int i) {
    return ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
  }

  private static int u32(byte[] p, int i) {
    return ((p[i] & 0xff) << 24) | ((p[i + 1] & 0xff) << 16) | ((p[i + 2] & 0xff) << 8) | (p[i + 3] & 0xff);
  }
}
