package dev.bootline.dhcp6;

import dev.bootline.wire.MalformedPacketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A domain name in RFC 1035 wire form without compression (as RFC 8415 section 10 requires). Labels are kept as
 * ISO-8859-1 strings so that any label bytes round-trip exactly.
 *
 * @param labels the labels, each 1..63 bytes
 * @param fullyQualified whether the wire form ends with the root (zero) label; RFC 4704 FQDN allows a partial name
 */
public record DomainName(List<String> labels, boolean fullyQualified) {
  public DomainName {
    labels = List.copyOf(labels);
    int total = 0;
    for (String l : labels) {
      if (l.isEmpty() || l.length() > 63) {
        throw new IllegalArgumentException("a DNS label is 1..63 bytes: '" + l + "'");
      }
      for (int i = 0; i < l.length(); i++) {
        if (l.charAt(i) > 0xff) {
          throw new IllegalArgumentException("label is not a byte string: '" + l + "'");
        }
      }
      total += 1 + l.length();
    }
    if (total + 1 > 255) {
      throw new IllegalArgumentException("a domain name is at most 255 bytes");
    }
  }

  /** A fully qualified name from dotted text, e.g. {@code lab.example} (a trailing dot is allowed). */
  public static DomainName of(String dotted) {
    String s = dotted.endsWith(".") ? dotted.substring(0, dotted.length() - 1) : dotted;
    return new DomainName(s.isEmpty() ? List.of() : List.of(s.split("\\.", -1)), true);
  }

  /** Wire length in bytes. */
  int wireLength() {
    int n = fullyQualified ? 1 : 0;
    for (String l : labels) {
      n += 1 + l.length();
    }
    return n;
  }

  void writeTo(Writer w) {
    for (String l : labels) {
      w.u8(l.length());
      w.bytes(l.getBytes(StandardCharsets.ISO_8859_1));
    }
    if (fullyQualified) {
      w.u8(0);
    }
  }

  /**
   * Reads one name. When {@code allowPartial}, the name may end at the end of the reader without a root label.
   */
  static DomainName read(Reader r, boolean allowPartial) throws MalformedPacketException {
    List<String> labels = new ArrayList<>();
    int total = 0;
    while (true) {
      if (!r.hasRemaining()) {
        if (allowPartial) {
          return new DomainName(labels, false);
        }
        throw new MalformedPacketException("bad_domain_name", "domain name without its root label");
      }
      int len = r.u8();
      if (len == 0) {
        return new DomainName(labels, true);
      }
      if (len > 63) {
        throw new MalformedPacketException(
            "bad_domain_name", "label length " + len + " (compression is not allowed in DHCPv6)");
      }
      if (len > r.remaining()) {
        throw new MalformedPacketException("bad_domain_name", "label runs past the option");
      }
      total += 1 + len;
      if (total + 1 > 255) {
        throw new MalformedPacketException("bad_domain_name", "domain name longer than 255 bytes");
      }
      labels.add(r.bytes(len).toString(StandardCharsets.ISO_8859_1));
    }
  }

  @Override
  public String toString() {
    return String.join(".", labels) + (fullyQualified && !labels.isEmpty() ? "" : fullyQualified ? "." : "");
  }
}
