package dev.bootline.config;

import dev.bootline.boot.UrlTemplate;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration (design.md §6). Built only by {@link ConfigLoader}: every value here has already
 * been checked, so servers never re-validate.
 */
public record BootlineConfig(
    List<String> interfaces,
    Path stateDir,
    Dhcp6 dhcp6,
    ProxyDhcp proxyDhcp,
    Boot boot,
    Tftp tftp,
    Http http,
    Logging logging) {

  /**
   * DHCPv6: address = first 80 bits of {@code baseAddress} ‖ 48-bit MAC.
   *
   * @param rateLimitPerSource datagrams a second per client address (relayed: per innermost peer-address) after a burst
   *     of twice that; 0 = no limit
   */
  public record Dhcp6(
      boolean enabled,
      Optional<Inet6Address> baseAddress,
      String baseAddressText,
      int preference,
      List<Inet6Address> dns,
      List<String> domainSearch,
      int rateLimitPerSource) {}

  /**
   * @param rateLimitPerSource datagrams a second per unicast, non-relayed source on 67/4011 (flood #8: its broadcast
   *     OFFERs would amplify a unicast flood onto every port) after a burst of twice that; 0 = no limit
   */
  public record ProxyDhcp(boolean enabled, Optional<Menu> menu, int rateLimitPerSource) {}

  /** The PXE boot menu sent in option 43 to BIOS clients and from the 4011 boot server. */
  public record Menu(String prompt, int timeoutSeconds, List<MenuItem> items) {}

  public record MenuItem(String label, MenuBoot boot) {}

  /** What a menu item does. */
  public sealed interface MenuBoot {
    /** Chain to iPXE for the machine's architecture, then to the HTTP-boot URL. */
    record Ipxe() implements MenuBoot {}

    /** Tell the client to boot from its local disk. */
    record Local() implements MenuBoot {}

    /** Any file under tftp.root. */
    record File(String path) implements MenuBoot {}
  }

  /** Which iPXE binary each firmware family gets. */
  public enum IpxeTarget {
    BIOS("bios"),
    X86_64_EFI("x86_64-efi"),
    I386_EFI("i386-efi"),
    ARM64_EFI("arm64-efi"),
    ARM32_EFI("arm32-efi"),
    RISCV64_EFI("riscv64-efi"),
    LOONGARCH64_EFI("loongarch64-efi");

    public final String key;

    IpxeTarget(String key) {
      this.key = key;
    }
  }

  /**
   * @param httpBootUrlTemplate absent = no HTTP-boot instructions (dhcpv6macd: empty template)
   * @param ipxe binaries per target; {@code ipxeExplicit} says which were configured (those must exist at start)
   */
  public record Boot(
      Optional<UrlTemplate> httpBootUrlTemplate,
      Map<IpxeTarget, Path> ipxe,
      java.util.Set<IpxeTarget> ipxeExplicit) {}

  public record Tftp(boolean enabled, Optional<Path> root) {}

  public record Tls(Path certFile, Path keyFile) {}

  public record Http(
      List<ListenAddress> listen,
      List<ListenAddress> adminListen,
      Optional<Tls> tls,
      List<ListenAddress> tlsListen,
      Optional<Path> netbootDir,
      Optional<Path> adminTokenFile) {}

  /** {@code host} empty = all addresses. */
  public record ListenAddress(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  public record Logging(String level, String format) {}
}
