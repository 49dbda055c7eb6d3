package dev.bootline.dhcp4;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** One code/length/data sub-option of an encapsulated option (175 iPXE, 82 relay agent info). */
public record SubOption(int code, byte[] data) {
  public SubOption {
    if (code < 0 || code > 255) {
      throw new IllegalArgumentException("sub-option code must be 0..255, got " + code);
    }
    data = data.clone();
    if (data.length > 255) {
      throw new IllegalArgumentException("sub-option " + code + " is " + data.length + " bytes; at most 255");
    }
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubOption other && code == other.code && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "SubOption[" + code + "=" + HexFormat.of().formatHex(data) + "]";
  }
}
