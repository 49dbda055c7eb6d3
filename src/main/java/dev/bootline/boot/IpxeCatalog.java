package dev.bootline.boot;

import dev.bootline.config.BootlineConfig.IpxeTarget;
import dev.bootline.wire.MacAddress;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The iPXE binaries per firmware family and the TFTP names they are served under. A machine is pointed at {@code
 * <mac>/<file name>} (dhcpv6macd's {@code <mac>/ipxe.efi}), so every TFTP fetch names the machine; when two targets
 * share a file name the name gets the target as a folder, {@code <mac>/<target>/<file name>}.
 */
public final class IpxeCatalog {
  private final Map<IpxeTarget, Path> files;
  private final Map<IpxeTarget, String> tftpNames = new EnumMap<>(IpxeTarget.class);
  private final Map<String, IpxeTarget> byName = new HashMap<>();

  public IpxeCatalog(Map<IpxeTarget, Path> files) {
    this.files = new EnumMap<>(files);
    Map<String, Integer> counts = new HashMap<>();
    files.values().forEach(p -> counts.merge(p.getFileName().toString(), 1, Integer::sum));
    files.forEach(
        (t, p) -> {
          String base = p.getFileName().toString();
          String name = counts.get(base) > 1 ? t.key + "/" + base : base;
          tftpNames.put(t, name);
          byName.put(name, t);
        });
  }

  public static Optional<IpxeTarget> targetFor(Arch arch) {
    return switch (arch.family()) {
      case BIOS -> Optional.of(IpxeTarget.BIOS);
      case X86_64_EFI -> Optional.of(IpxeTarget.X86_64_EFI);
      case X86_EFI32 -> Optional.of(IpxeTarget.I386_EFI);
      case ARM64_EFI -> Optional.of(IpxeTarget.ARM64_EFI);
      case ARM32_EFI -> Optional.of(IpxeTarget.ARM32_EFI);
      case RISCV64_EFI -> Optional.of(IpxeTarget.RISCV64_EFI);
      case LOONGARCH64_EFI -> Optional.of(IpxeTarget.LOONGARCH64_EFI);
      case UBOOT_ARM64, OTHER -> Optional.empty();
    };
  }

  /** The TFTP path a machine of this architecture is pointed at, if a binary is configured for it. */
  public Optional<String> tftpPath(MacAddress mac, Arch arch) {
    return targetFor(arch).map(tftpNames::get).map(n -> mac + "/" + n);
  }

  /** Resolves the part after {@code <mac>/} of a TFTP/HTTP request to a binary, if it names one. */
  public Optional<Path> resolve(String nameAfterMac) {
    IpxeTarget t = byName.get(nameAfterMac);
    return t == null ? Optional.empty() : Optional.of(files.get(t));
  }

  public Optional<Path> file(IpxeTarget t) {
    return Optional.ofNullable(files.get(t));
  }
}
