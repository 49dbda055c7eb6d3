package dev.bootline.dhcp4;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One element of an option area exactly as it sat on the wire. A message keeps the full sequence (repeated instances of
 * a code, pad runs, the end marker, bytes after it) so that re-encoding a decoded packet reproduces it byte for byte;
 * {@link Dhcp4Options} gives the RFC 3396 concatenated view on top.
 */
public sealed interface Dhcp4OptionItem {

  Dhcp4OptionArea area();

  /** Size of this item on the wire. */
  int wireLength();

  /**
   * One instance of an option: code, one length byte, {@code data} (at most 255 bytes). A final class rather than a
   * record so that the decoder can hand over the copy it made instead of having it copied again (#8).
   */
  final class Option implements Dhcp4OptionItem {
    private final Dhcp4OptionArea area;
    private final int code;
    private final byte[] data;

    public Option(Dhcp4OptionArea area, int code, byte[] data) {
      this(area, code, data.clone(), true);
    }

    public Option(int code, byte[] data) {
      this(Dhcp4OptionArea.OPTIONS, code, data);
    }

    /** Keeps {@code owned} as it is: the caller made it for this item and never changes it. */
    private Option(Dhcp4OptionArea area, int code, byte[] owned, boolean checked) {
      this.area = Objects.requireNonNull(area, "area");
      if (code < 1 || code > 254) {
        throw new IllegalArgumentException("option code must be 1..254, got " + code);
      }
      if (owned.length > 255) {
        throw new IllegalArgumentException(
            "option " + code + " instance is " + owned.length + " bytes; one instance holds at most 255");
      }
      this.code = code;
      this.data = owned;
    }

    /** An item of a fresh array nobody else holds (the decoder's copy of the wire bytes). */
    static Option owning(Dhcp4OptionArea area, int code, byte[] owned) {
      return new Option(area, code, owned, true);
    }

    @Override
    public Dhcp4OptionArea area() {
      return area;
    }

    public int code() {
      return code;
    }

    public byte[] data() {
      return data.clone();
    }

    int length() {
      return data.length;
    }

    byte[] dataNoCopy() {
      return data;
    }

    @Override
    public int wireLength() {
      return 2 + data.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Option other
          && area == other.area
          && code == other.code
          && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(area, code, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Option[" + area + " " + code + "=" + HexFormat.of().formatHex(data) + "]";
    }
  }

  /** A run of pad bytes (code 0) before the end marker. */
  record Pad(Dhcp4OptionArea area, int count) implements Dhcp4OptionItem {
    public Pad {
      Objects.requireNonNull(area, "area");
      if (count < 1) {
        throw new IllegalArgumentException("pad run must be at least 1 byte, got " + count);
      }
    }

    @Override
    public int wireLength() {
      return count;
    }
  }

  /** The end marker (code 255). */
  record End(Dhcp4OptionArea area) implements Dhcp4OptionItem {
    public End {
      Objects.requireNonNull(area, "area");
    }

    @Override
    public int wireLength() {
      return 1;
    }
  }

  /**
   * Whatever follows the end marker up to the end of the area: usually zero padding up to the 300-byte BOOTP minimum,
   * but kept verbatim whatever it is.
   */
  record Trailer(Dhcp4OptionArea area, byte[] bytes) implements Dhcp4OptionItem {
    public Trailer {
      Objects.requireNonNull(area, "area");
      bytes = bytes.clone();
      if (bytes.length == 0) {
        throw new IllegalArgumentException("empty trailer");
      }
    }

    public static Trailer zeros(Dhcp4OptionArea area, int count) {
      return new Trailer(area, new byte[count]);
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    byte[] bytesNoCopy() {
      return bytes;
    }

    @Override
    public int wireLength() {
      return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Trailer other && area == other.area && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Objects.hash(area, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
      return "Trailer[" + area + " " + bytes.length + " bytes]";
    }
  }
}
