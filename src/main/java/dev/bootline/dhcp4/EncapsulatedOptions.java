package dev.bootline.dhcp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An option whose data is itself a code/length/data list (175 iPXE encapsulated, 82 relay agent information), kept
 * verbatim in {@link #raw()} (so it can be echoed) with a parsed view. Parsing is lenient: pad (0) is skipped, end
 * (255) stops it, and a sub-option running past the data stops it with {@link #complete()} false; what parsed before
 * stays in {@link #subOptions()}.
 */
public record EncapsulatedOptions(byte[] raw, List<SubOption> subOptions, boolean complete) {
  public EncapsulatedOptions {
    raw = raw.clone();
    subOptions = List.copyOf(subOptions);
  }

  public static EncapsulatedOptions parse(byte[] data) {
    List<SubOption> out = new ArrayList<>();
    int i = 0;
    while (i < data.length) {
      int code = data[i] & 0xff;
      if (code == 0) {
        i++;
        continue;
      }
      if (code == 255) {
        break;
      }
      if (i + 1 >= data.length || i + 2 + (data[i + 1] & 0xff) > data.length) {
        return new EncapsulatedOptions(data, out, false);
      }
      int len = data[i + 1] & 0xff;
      out.add(new SubOption(code, Arrays.copyOfRange(data, i + 2, i + 2 + len)));
      i += 2 + len;
    }
    return new EncapsulatedOptions(data, out, true);
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  /** The first sub-option with this code. */
  public Optional<byte[]> get(int code) {
    return subOptions.stream().filter(s -> s.code() == code).findFirst().map(SubOption::data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncapsulatedOptions other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }
}
