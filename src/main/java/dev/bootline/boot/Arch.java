package dev.bootline.boot;

import java.util.Map;
import java.util.Optional;

/**
 * A client system architecture (DHCPv4 option 93, DHCPv6 option 61; IANA "Processor Architecture Types"). Names are
 * the ones dhcpv6macd puts in its {@code Payload} (insomniacslk/dhcp's table), so templates stay compatible.
 */
public record Arch(int code) {

  /** What kind of boot program this architecture runs: decides which iPXE binary it gets. */
  public enum Family {
    BIOS,
    X86_EFI32,
    X86_64_EFI,
    ARM32_EFI,
    ARM64_EFI,
    RISCV64_EFI,
    LOONGARCH64_EFI,
    UBOOT_ARM64,
    OTHER
  }

  public static final Arch BIOS = new Arch(0);
  public static final Arch X86_64_EFI = new Arch(7);
  public static final Arch X86_64_HTTP = new Arch(16);

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(0, "Intel x86PC"),
          Map.entry(1, "NEC/PC98"),
          Map.entry(2, "EFI Itanium"),
          Map.entry(3, "DEC Alpha"),
          Map.entry(4, "Arc x86"),
          Map.entry(5, "Intel Lean Client"),
          Map.entry(6, "EFI IA32"),
          Map.entry(7, "EFI x86-64"),
          Map.entry(8, "EFI Xscale"),
          Map.entry(9, "EFI BC"),
          Map.entry(10, "EFI ARM32"),
          Map.entry(11, "EFI ARM64"),
          Map.entry(12, "PowerPC Open Firmware"),
          Map.entry(13, "PowerPC ePAPR"),
          Map.entry(14, "POWER OPAL v3"),
          Map.entry(15, "EFI x86 boot from HTTP"),
          Map.entry(16, "EFI x86-64 boot from HTTP"),
          Map.entry(17, "EFI BC boot from HTTP"),
          Map.entry(18, "EFI ARM32 boot from HTTP"),
          Map.entry(19, "EFI ARM64 boot from HTTP"),
          Map.entry(20, "Intel x86PC boot from HTTP"),
          Map.entry(21, "U-Boot ARM32"),
          Map.entry(22, "U-Boot ARM64"),
          Map.entry(23, "U-boot ARM32 boot from HTTP"),
          Map.entry(24, "U-Boot ARM64 boot from HTTP"),
          Map.entry(25, "EFI RISC-V 32-bit"),
          Map.entry(26, "EFI RISC-V 32-bit boot from HTTP"),
          Map.entry(27, "EFI RISC-V 64-bit"),
          Map.entry(28, "EFI RISC-V 64-bit boot from HTTP"),
          Map.entry(29, "EFI RISC-V 128-bit"),
          Map.entry(30, "EFI RISC-V 128-bit boot from HTTP"),
          Map.entry(31, "s390 Basic"),
          Map.entry(32, "s390 Extended"),
          Map.entry(33, "EFI MIPS32"),
          Map.entry(34, "EFI MIPS64"),
          Map.entry(35, "EFI Sunway 32-bit"),
          Map.entry(36, "EFI Sunway 64-bit"),
          Map.entry(37, "EFI LoongArch32"),
          Map.entry(38, "EFI LoongArch32 boot from HTTP"),
          Map.entry(39, "EFI LoongArch64"),
          Map.entry(40, "EFI LoongArch64 boot from HTTP"),
          Map.entry(41, "arm rpiboot"));

  public Arch {
    if (code < 0 || code > 0xffff) {
      throw new IllegalArgumentException("architecture type is a 16-bit number: " + code);
    }
  }

  public String name() {
    return Optional.ofNullable(NAMES.get(code)).orElse("unknown architecture " + code);
  }

  /** UEFI HTTP boot (15-19, 23, 24, 26, 28, 30, 38, 40) or BIOS HTTP (20). */
  public boolean isHttpBoot() {
    return switch (code) {
      case 15, 16, 17, 18, 19, 20, 23, 24, 26, 28, 30, 38, 40 -> true;
      default -> false;
    };
  }

  /** Runs UEFI firmware (so proxyDHCP leaves option 43 out and it comes to UDP 4011). */
  public boolean isUefi() {
    return switch (code) {
      case 2, 6, 7, 8, 9, 10, 11, 15, 16, 17, 18, 19, 25, 26, 27, 28, 29, 30, 33, 34, 35, 36, 37, 38, 39, 40 -> true;
      default -> false;
    };
  }

  /**
   * Which boot program family the machine runs. 7 and 9 are both x64: RFC 4578 swapped them and VMware and others send
   * 9 for x64, and EBC machines do not exist in practice.
   */
  public Family family() {
    return switch (code) {
      case 0, 20 -> Family.BIOS;
      case 6, 15 -> Family.X86_EFI32;
      case 7, 9, 16, 17 -> Family.X86_64_EFI;
      case 10, 18 -> Family.ARM32_EFI;
      case 11, 19 -> Family.ARM64_EFI;
      case 27, 28 -> Family.RISCV64_EFI;
      case 39, 40 -> Family.LOONGARCH64_EFI;
      case 22, 24 -> Family.UBOOT_ARM64;
      default -> Family.OTHER;
    };
  }

  /**
   * Parses the architecture from a vendor class like {@code PXEClient:Arch:00007:UNDI:003016} or {@code
   * HTTPClient:Arch:00016}; used when option 93/61 is missing.
   */
  public static Optional<Arch> fromVendorClass(String vendorClass) {
    if (vendorClass == null) {
      return Optional.empty();
    }
    int i = vendorClass.indexOf(":Arch:");
    if (i < 0 || i + 11 > vendorClass.length()) {
      return Optional.empty();
    }
    String digits = vendorClass.substring(i + 6, i + 11);
    for (int k = 0; k < digits.length(); k++) {
      if (!Character.isDigit(digits.charAt(k))) {
        return Optional.empty();
      }
    }
    int code = Integer.parseInt(digits);
    return code <= 0xffff ? Optional.of(new Arch(code)) : Optional.empty();
  }

  /** {@link #toString()} of the codes below 64, built once: it is in the decision text of every PXE packet. */
  private static final String[] TEXT = new String[64];

  static {
    for (int c = 0; c < TEXT.length; c++) {
      TEXT[c] = text(c);
    }
  }

  private static String text(int code) {
    return code + " (" + new Arch(code).name() + ")";
  }

  @Override
  public String toString() {
    return code >= 0 && code < TEXT.length ? TEXT[code] : text(code);
  }
}
