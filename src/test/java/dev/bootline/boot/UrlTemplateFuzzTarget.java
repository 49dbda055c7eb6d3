package dev.bootline.boot;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Jazzer target for the HTTP-boot URL template. Any text either parses or fails with {@link
 * IllegalArgumentException}; a parsed template renders arbitrary values without throwing, and — since parse() vets the
 * template at start — rendering it for any real client (any MAC, the server's IPv4 address or bracketed IPv6 address,
 * any architectures) gives an http(s) URL with a host, never a string a client cannot use.
 */
public class UrlTemplateFuzzTarget {
  private static final String[] BASES = {"2001:db8::", "2001:db8:1:2::", "fd00::"};

  /**
   * Input layout: byte 0 picks the base address and the server's family, bytes 1-6 the MAC, 7-22 the server address,
   * 23 the number of architectures (0-3) followed by 2 bytes each; the rest is UTF-8 text split at NUL into the
   * template and three arbitrary strings (MAC, base address, server address as any text).
   */
  public static void fuzzerTestOneInput(byte[] data) {
    ByteBuffer in = ByteBuffer.wrap(data);
    int flags = in.hasRemaining() ? in.get() & 0xff : 0;
    byte[] mac = take(in, 6);
    byte[] addr = take(in, 16);
    int n = in.hasRemaining() ? (in.get() & 0xff) % 4 : 0;
    List<Arch> archs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] c = take(in, 2);
      archs.add(new Arch(((c[0] & 0xff) << 8) | (c[1] & 0xff)));
    }
    String[] texts = new String(data, in.position(), in.remaining(), StandardCharsets.UTF_8).split("\0", 4);
    String text = texts[0];
    String base = BASES[flags % BASES.length];

    UrlTemplate t;
    try {
      t = UrlTemplate.parse(text);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        throw new IllegalStateException("rejection without a reason", e);
      }
      return;
    }
    // arbitrary values: rendering is pure string building and must not throw
    t.render(new UrlTemplate.Values(part(texts, 1), part(texts, 2), archs, part(texts, 3)));
    t.uses("MAC");
    t.toString();

    // a real client: any MAC, the server's address on the link in either family
    String macText = HexFormat.ofDelimiter(":").formatHex(mac);
    String server;
    if ((flags & 0x80) != 0) {
      addr[0] = 0x20;
      addr[1] = 0x01;
      addr[2] = 0x0d;
      addr[3] = (byte) 0xb8;
      StringBuilder s = new StringBuilder("[");
      for (int i = 0; i < 16; i += 2) {
        s.append(i == 0 ? "" : ":").append(Integer.toHexString(((addr[i] & 0xff) << 8) | (addr[i + 1] & 0xff)));
      }
      server = s.append(']').toString();
    } else {
      server = "192.0.2." + (addr[0] & 0xff);
    }
    String url = t.render(new UrlTemplate.Values(macText, base, archs, server));
    try {
      URI u = new URI(url);
      if (u.getScheme() == null
          || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
          || u.getHost() == null) {
        throw new IllegalStateException("template " + text + " passed parse() but renders " + url + " (no http(s) host)");
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException("template " + text + " passed parse() but renders an invalid URL " + url, e);
    }
  }

  private static byte[] take(ByteBuffer in, int n) {
    byte[] b = new byte[n];
    in.get(b, 0, Math.min(n, in.remaining()));
    return b;
  }

  private static String part(String[] texts, int i) {
    return i < texts.length ? texts[i] : "";
  }
}
