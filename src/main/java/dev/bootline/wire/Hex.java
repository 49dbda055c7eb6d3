package dev.bootline.wire;

import java.util.HexFormat;

/** Hex helpers for logs, fixtures and the decode command. */
public final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  public static String encode(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Parses hex, ignoring whitespace, colons and a leading {@code 0x}. */
  public static byte[] decode(CharSequence text) {
    StringBuilder clean = new StringBuilder(text.length());
    String s = text.toString().strip();
    if (s.startsWith("0x") || s.startsWith("0X")) {
      s = s.substring(2);
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c) && c != ':') {
        clean.append(c);
      }
    }
    return HEX.parseHex(clean);
  }
}
