package dev.bootline.robust;

import dev.bootline.dhcp4.Dhcp4Message;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.testing.Fixtures;
import dev.bootline.wire.Hex;
import dev.bootline.wire.MalformedPacketException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A corpus of malformed (and a few borderline but valid) DHCPv4 and DHCPv6 datagrams, built from real-client fixtures
 * ({@code uefi-pxe6…/01-client-dhcp6-solicit}, {@code uefi-pxe4-virtio-net-pci-builtin-tcg/01-client-dhcp4-discover}, OVMF PXEv4) by what the codecs
 * know about the wire formats. Every item says which drop reason bootline must count for it ({@code null}: none, the
 * datagram is valid and must simply not hurt).
 */
final class MalformedCorpus {
  /** Largest UDP payload over IPv4 / IPv6 (no jumbograms): 65535 minus the IP and UDP headers. */
  static final int MAX_UDP4 = 65507;
  static final int MAX_UDP6 = 65527;

  enum Family { V4, V6 }

  /**
   * One datagram. {@code reason}: what the codec (and so the server) must call it, {@code null} when it decodes;
   * for DHCPv4 items the reason can also come from the server (truncated_datagram, not_ethernet).
   */
  record Item(Family family, String label, String reason, byte[] bytes) {
    String line() {
      return family + " " + label + " " + (reason == null ? "-" : reason) + " " + Hex.encode(bytes);
    }

    static Item parse(String line) {
      String[] f = line.split(" ", -1);
      return new Item(Family.valueOf(f[0]), f[1], f[2].equals("-") ? null : f[2], Hex.decode(f[3]));
    }
  }

  private MalformedCorpus() {}

  static byte[] solicit() {
    return Fixtures.bytes("uefi-pxe6-virtio-net-pci-builtin-tcg", "01-client-dhcp6-solicit.hex");
  }

  static byte[] discover() {
    return Fixtures.bytes("uefi-pxe4-virtio-net-pci-builtin-tcg", "01-client-dhcp4-discover.hex");
  }

  static List<Item> all() {
    List<Item> items = new ArrayList<>(v6());
    items.addAll(v4());
    return items;
  }

  // ------------------------------------------------------------------ DHCPv6

  static List<Item> v6() {
    byte[] s = solicit();
    byte[] header = Arrays.copyOf(s, 4);
    byte[] options = Arrays.copyOfRange(s, 4, s.length);
    List<Item> c = new ArrayList<>();
    c.add(v6("empty", "truncated_header", new byte[0]));
    c.add(v6("one-byte", "truncated_header", Arrays.copyOf(s, 1)));
    c.add(v6("three-bytes", "truncated_header", Arrays.copyOf(s, 3)));
    c.add(v6("relay-header-short", "truncated_header", Arrays.copyOf(relayForw(s, 1), 20)));
    c.add(v6("trailing-1", "truncated_option", cat(s, new byte[] {0})));
    c.add(v6("trailing-3", "truncated_option", cat(s, new byte[] {0, 1, 0})));
    // the first option (Client Identifier) claims 200 more bytes than the message has
    byte[] overrun = s.clone();
    setU16(overrun, 6, u16(s, 6) + 200);
    c.add(v6("first-option-past-end", "option_overrun", overrun));
    c.add(v6("last-option-ffff", "option_overrun", cat(s, opt(0xfff0, new byte[0], 0xffff))));
    // IA_NA (3) whose nested IA Address claims 24 bytes and has none
    byte[] ia = cat(new byte[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0}, u16be(5), u16be(24));
    c.add(v6("ia-na-child-past-parent", "option_overrun", cat(header, opt(3, ia, ia.length), options)));
    c.add(v6("client-id-zero-length", "bad_duid", cat(header, opt(1, new byte[0]), options)));
    c.add(v6("duid-ll-too-short", "bad_duid", cat(header, opt(1, new byte[] {0, 3, 0}), options)));
    c.add(v6("elapsed-time-zero-length", "bad_option_length", cat(header, opt(8, new byte[0]), options)));
    c.add(v6("elapsed-time-oversized", "bad_option_length", cat(header, opt(8, new byte[7]), options)));
    c.add(v6("fqdn-label-past-end", "bad_domain_name", cat(header, opt(39, new byte[] {0, 63, 'a', 'b'}), options)));
    c.add(v6("unknown-zero-length", null, cat(s, opt(0xfff1, new byte[0]))));
    c.add(v6("relays-32-deep", null, relayForw(s, 32)));
    c.add(v6("relays-33-deep", "relay_too_deep", relayForw(s, 33)));
    // 64 KiB: one giant unknown option (valid), or the same with its length one past the end
    byte[] giant = cat(s, opt(0xfff2, new byte[MAX_UDP6 - s.length - 4]));
    c.add(v6("datagram-64k-valid", null, giant));
    byte[] giantOverrun = giant.clone();
    setU16(giantOverrun, s.length + 2, MAX_UDP6 - s.length - 4 + 1);
    c.add(v6("datagram-64k-overrun", "option_overrun", giantOverrun));
    return c;
  }

  /** {@code depth} Relay-Forward messages around {@code inner} (hop counts depth-1 … 0 from the outside in). */
  static byte[] relayForw(byte[] inner, int depth) {
    byte[] m = inner;
    for (int hop = 0; hop < depth; hop++) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(12); // RELAY-FORW
      b.write(hop);
      byte[] link = new byte[16];
      link[0] = 0x20;
      link[1] = 0x01;
      link[2] = 0x0d;
      link[3] = (byte) 0xb8; // 2001:db8::
      b.writeBytes(link);
      byte[] peer = new byte[16];
      peer[0] = (byte) 0xfe;
      peer[1] = (byte) 0x80; // fe80::5054:ff:fe12:3456
      byte[] eui = {0x50, 0x54, 0x00, (byte) 0xff, (byte) 0xfe, 0x12, 0x34, 0x56};
      System.arraycopy(eui, 0, peer, 8, 8);
      b.writeBytes(peer);
      b.writeBytes(opt(9, m));
      m = b.toByteArray();
    }
    return m;
  }

  // ------------------------------------------------------------------ DHCPv4

  static List<Item> v4() {
    byte[] d = discover();
    List<Item> c = new ArrayList<>();
    c.add(v4("empty", "truncated_header", new byte[0]));
    c.add(v4("bootp-header-cut", "truncated_header", Arrays.copyOf(d, 100)));
    byte[] hlen7 = d.clone();
    hlen7[2] = 7;
    c.add(v4("ethernet-hlen-7", "bad_hlen", hlen7));
    byte[] hlen17 = d.clone();
    hlen17[2] = 17;
    c.add(v4("hlen-17", "bad_hlen", hlen17));
    byte[] ieee802 = d.clone();
    ieee802[1] = 6; // IEEE 802 networks: decodes, the server refuses it (not_ethernet)
    c.add(v4("htype-ieee802", "not_ethernet", ieee802));
    byte[] cookie = d.clone();
    cookie[236] ^= 0x55;
    c.add(v4("bad-cookie", "bad_cookie", cookie));
    // options area: 53 (DISCOVER), then an option claiming 200 bytes at the very end
    byte[] overrun = cat(Arrays.copyOf(d, Dhcp4Message.OPTIONS_OFFSET), new byte[] {53, 1, 1, 60, (byte) 200, 'P', 'X'});
    c.add(v4("option-past-end", "option_overrun", overrun));
    byte[] zeroLen = cat(Arrays.copyOf(d, Dhcp4Message.OPTIONS_OFFSET), new byte[] {53, 0, 60, 0, 97, 0, (byte) 255});
    c.add(v4("zero-length-options", null, zeroLen));
    // 64 KiB: the proxy reads into a 4 KiB buffer, so the kernel truncates it
    c.add(v4("datagram-64k", "truncated_datagram", Arrays.copyOf(d, MAX_UDP4)));
    return c;
  }

  // ------------------------------------------------------------------ checks and helpers

  /** What the codecs say about an item: its reason, or null when it decodes (v4: and has an Ethernet MAC). */
  static String codecVerdict(Item item) {
    try {
      if (item.family() == Family.V6) {
        Dhcp6Codec.decode(item.bytes());
      } else {
        Dhcp4Message.decode(item.bytes()).requireEthernetMac();
      }
      return null;
    } catch (MalformedPacketException e) {
      return e.reason();
    }
  }

  private static Item v6(String label, String reason, byte[] b) {
    return new Item(Family.V6, label, reason, b);
  }

  private static Item v4(String label, String reason, byte[] b) {
    return new Item(Family.V4, label, reason, b);
  }

  static byte[] opt(int code, byte[] data) {
    return opt(code, data, data.length);
  }

  /** A DHCPv6 option header with a length field that may lie. */
  static byte[] opt(int code, byte[] data, int claimedLength) {
    return cat(u16be(code), u16be(claimedLength), data);
  }

  static byte[] u16be(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  static void setU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >> 8);
    b[at + 1] = (byte) v;
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
