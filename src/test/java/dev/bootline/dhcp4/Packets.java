package dev.bootline.dhcp4;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Hand-made DHCPv4 payloads for edge cases: a DISCOVER header from 52:54:00:12:34:56 plus chosen bytes. */
final class Packets {
  private Packets() {}

  static byte[] header(byte[] sname, byte[] file) {
    byte[] p = new byte[240];
    p[0] = 1;
    p[1] = 1;
    p[2] = 6;
    p[4] = 0x12;
    p[5] = 0x34;
    p[6] = 0x56;
    p[7] = 0x78;
    byte[] mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    System.arraycopy(mac, 0, p, 28, 6);
    System.arraycopy(Arrays.copyOf(sname, 64), 0, p, 44, 64);
    System.arraycopy(Arrays.copyOf(file, 128), 0, p, 108, 128);
    p[236] = 0x63;
    p[237] = (byte) 0x82;
    p[238] = 0x53;
    p[239] = 0x63;
    return p;
  }

  /** Header with empty sname/file followed by {@code options} verbatim. */
  static byte[] withOptions(int... options) {
    return withAreas(new byte[0], new byte[0], bytes(options));
  }

  static byte[] withAreas(byte[] sname, byte[] file, byte[] options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(sname, file));
    out.writeBytes(options);
    return out.toByteArray();
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
  }

  static int[] ascii(String s) {
    return s.chars().toArray();
  }

  static int[] option(int code, String text) {
    return concat(new int[] {code, text.length()}, ascii(text));
  }
}
