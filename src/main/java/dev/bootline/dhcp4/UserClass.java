package dev.bootline.dhcp4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Option 77. RFC 3004 defines it as a list of length-prefixed class names, but iPXE sends the bare bytes {@code iPXE}
 * (no length prefix); both forms are read here. {@link #classes()} is the RFC 3004 list when the data parses as one
 * exactly, else the whole data as a single raw class.
 */
public record UserClass(byte[] raw) {
  public UserClass {
    raw = raw.clone();
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  /** The RFC 3004 class list, if the data is a well-formed one (every entry length ≥ 1, lengths consume it all). */
  public Optional<List<byte[]>> rfc3004Classes() {
    List<byte[]> out = new ArrayList<>();
    int i = 0;
    while (i < raw.length) {
      int len = raw[i] & 0xff;
      if (len == 0 || i + 1 + len > raw.length) {
        return Optional.empty();
      }
      out.add(Arrays.copyOfRange(raw, i + 1, i + 1 + len));
      i += 1 + len;
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  /** Class names as text: the RFC 3004 entries, or the raw data as one entry when it is not in RFC 3004 form. */
  public List<String> classes() {
    return rfc3004Classes()
        .map(l -> l.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList())
        .orElseGet(() -> List.of(new String(raw, StandardCharsets.ISO_8859_1)));
  }

  /** True when the raw data is {@code iPXE} (as iPXE sends it) or any RFC 3004 entry is {@code iPXE}. */
  public boolean isIpxe() {
    return new String(raw, StandardCharsets.ISO_8859_1).equals("iPXE") || classes().contains("iPXE");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserClass other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "UserClass" + classes();
  }
}
