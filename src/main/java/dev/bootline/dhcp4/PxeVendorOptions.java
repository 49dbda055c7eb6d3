package dev.bootline.dhcp4;

import dev.bootline.wire.MalformedPacketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * PXE option 43 (PXE spec 2.1): an ordered list of sub-options, terminated by 255 on the wire.
 *
 * <p>PXE ROMs do not reassemble RFC 3396 split options, so the whole option including its end marker must fit one
 * 255-byte option. {@link #encodedLength()} and {@link #overflowBytes()} let a config loader check a menu at start;
 * {@link #encode()} refuses one that does not fit, naming the byte count over.
 */
public record PxeVendorOptions(List<PxeSubOption> subOptions) {
  /** The most one DHCP option instance holds. */
  public static final int MAX_LENGTH = 255;

  public PxeVendorOptions {
    subOptions = List.copyOf(subOptions);
  }

  public static PxeVendorOptions of(PxeSubOption... subOptions) {
    return new PxeVendorOptions(List.of(subOptions));
  }

  /**
   * Parses option 43 data. Pad (0) is skipped and end (255) stops parsing; anything after the end marker is ignored
   * (the message keeps the raw bytes). A sub-option whose length runs past the data is {@code option_overrun}.
   */
  public static PxeVendorOptions decode(byte[] data) throws MalformedPacketException {
    List<PxeSubOption> out = new ArrayList<>();
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
      if (i + 1 >= data.length) {
        throw new MalformedPacketException(
            "option_overrun", "PXE sub-option " + code + " at offset " + i + " of option 43 has no length byte");
      }
      int len = data[i + 1] & 0xff;
      if (i + 2 + len > data.length) {
        throw new MalformedPacketException(
            "option_overrun",
            "PXE sub-option " + code + " at offset " + i + " of option 43 claims " + len + " bytes, "
                + (data.length - i - 2) + " left");
      }
      out.add(PxeSubOption.decode(code, Arrays.copyOfRange(data, i + 2, i + 2 + len)));
      i += 2 + len;
    }
    return new PxeVendorOptions(out);
  }

  /** Bytes of option 43's data when encoded: every sub-option plus the end marker. */
  public int encodedLength() {
    int n = 1;
    for (PxeSubOption s : subOptions) {
      n += s.encodedLength();
    }
    return n;
  }

  /** How many bytes over the 255-byte limit this is; 0 when it fits. */
  public int overflowBytes() {
    return Math.max(0, encodedLength() - MAX_LENGTH);
  }

  public boolean fits() {
    return overflowBytes() == 0;
  }

  /** A sentence for the config error when it does not fit, naming the overflow and the size of each part. */
  public Optional<String> sizeProblem() {
    if (fits()) {
      return Optional.empty();
    }
    StringBuilder parts = new StringBuilder();
    for (PxeSubOption s : subOptions) {
      if (!parts.isEmpty()) {
        parts.append(", ");
      }
      parts.append(name(s.code())).append(' ').append(s.encodedLength());
    }
    return Optional.of(
        "PXE option 43 would be " + encodedLength() + " bytes, " + overflowBytes() + " bytes over the "
            + MAX_LENGTH + "-byte limit of one DHCP option (" + parts + ", end 1); shorten the menu texts or the prompt"
            + " or remove items");
  }

  /** Throws {@link IllegalArgumentException} with {@link #sizeProblem()} when it does not fit. */
  public void requireFits() {
    Optional<String> problem = sizeProblem();
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
  }

  /** Option 43's data: sub-options in order, then 255. Refuses (see {@link #requireFits()}) what would not fit. */
  public byte[] encode() {
    requireFits();
    return encodeAnyLength();
  }

  /** The encoding without the size check, for diagnostics and tests of the check itself. */
  byte[] encodeAnyLength() {
    byte[] out = new byte[encodedLength()];
    int i = 0;
    for (PxeSubOption s : subOptions) {
      byte[] data = s.encodeData();
      if (data.length > 255) {
        throw new IllegalArgumentException(
            name(s.code()) + " is " + data.length + " bytes; one sub-option holds at most 255");
      }
      out[i++] = (byte) s.code();
      out[i++] = (byte) data.length;
      System.arraycopy(data, 0, out, i, data.length);
      i += data.length;
    }
    out[i] = (byte) 255;
    return out;
  }

  public Optional<PxeSubOption.DiscoveryControl> discoveryControl() {
    return first(PxeSubOption.DiscoveryControl.class);
  }

  public Optional<PxeSubOption.BootServers> bootServers() {
    return first(PxeSubOption.BootServers.class);
  }

  public Optional<PxeSubOption.BootMenu> bootMenu() {
    return first(PxeSubOption.BootMenu.class);
  }

  public Optional<PxeSubOption.MenuPrompt> menuPrompt() {
    return first(PxeSubOption.MenuPrompt.class);
  }

  public Optional<PxeSubOption.BootItem> bootItem() {
    return first(PxeSubOption.BootItem.class);
  }

  private <T extends PxeSubOption> Optional<T> first(Class<T> type) {
    return subOptions.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  private static String name(int code) {
    return switch (code) {
      case PxeSubOption.DISCOVERY_CONTROL -> "discovery control (6)";
      case PxeSubOption.BOOT_SERVERS -> "boot servers (8)";
      case PxeSubOption.BOOT_MENU -> "boot menu (9)";
      case PxeSubOption.MENU_PROMPT -> "menu prompt (10)";
      case PxeSubOption.BOOT_ITEM -> "boot item (71)";
      default -> "sub-option " + code;
    };
  }
}
