package dev.bootline.dhcp4;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Option 60 as text, e.g. {@code PXEClient:Arch:00007:UNDI:003016} or {@code HTTPClient:Arch:00016}. Decoded as
 * ISO-8859-1 so that every byte maps to one character.
 */
public record VendorClass(String text) {
  private static final Pattern ARCH = Pattern.compile("^(?:PXEClient|HTTPClient):Arch:(\\d{5})(?::|$)");
  private static final Pattern UNDI = Pattern.compile(":UNDI:(\\d{3})(\\d{3})(?::|$)");

  public VendorClass {
    java.util.Objects.requireNonNull(text, "text");
  }

  public boolean isPxeClient() {
    return text.startsWith("PXEClient");
  }

  public boolean isHttpClient() {
    return text.startsWith("HTTPClient");
  }

  /** The architecture number after {@code PXEClient:Arch:} or {@code HTTPClient:Arch:} (five decimal digits). */
  public OptionalInt arch() {
    Matcher m = ARCH.matcher(text);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** UNDI major version from {@code :UNDI:MMMmmm}, e.g. 3 for {@code 003016}. */
  public OptionalInt undiMajor() {
    Matcher m = UNDI.matcher(text);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** UNDI minor version from {@code :UNDI:MMMmmm}, e.g. 16 for {@code 003016}. */
  public OptionalInt undiMinor() {
    Matcher m = UNDI.matcher(text);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(2))) : OptionalInt.empty();
  }
}
