package dev.bootline.dhcp6;

/** Range checks for record constructors: values that could not be encoded are programming errors. */
final class Checks {
  private Checks() {}

  static void u8(int v, String what) {
    if (v < 0 || v > 0xff) {
      throw new IllegalArgumentException(what + " out of range 0..255: " + v);
    }
  }

  static void u16(int v, String what) {
    if (v < 0 || v > 0xffff) {
      throw new IllegalArgumentException(what + " out of range 0..65535: " + v);
    }
  }

  static void u24(int v, String what) {
    if (v < 0 || v > 0xff_ffff) {
      throw new IllegalArgumentException(what + " out of range 0..16777215: " + v);
    }
  }

  static void u32(long v, String what) {
    if (v < 0 || v > 0xffff_ffffL) {
      throw new IllegalArgumentException(what + " out of range 0..4294967295: " + v);
    }
  }
}
