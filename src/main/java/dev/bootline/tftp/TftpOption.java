package dev.bootline.tftp;

import java.util.Locale;
import java.util.Objects;

/**
 * One RFC 2347 option as it appears on the wire. The name keeps the client's spelling (answers echo it); compare with
 * {@link #is(String)}, since option names are case-insensitive.
 */
public record TftpOption(String name, String value) {
  public static final String BLKSIZE = "blksize";
  public static final String TSIZE = "tsize";
  public static final String TIMEOUT = "timeout";
  public static final String WINDOWSIZE = "windowsize";

  public TftpOption {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  public boolean is(String optionName) {
    return name.equalsIgnoreCase(optionName);
  }

  public String lowerName() {
    return name.toLowerCase(Locale.ROOT);
  }
}
