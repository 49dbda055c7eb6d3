package dev.bootline.boot;

import dev.bootline.wire.MacAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a request tells about the machine, whatever the protocol: the input of {@link BootPolicy}.
 *
 * @param macSource how the MAC was learned (relay option 79, EUI-64 peer address, DUID-LL, chaddr, ...), for events
 * @param archs client architectures from option 93/61, or parsed from the vendor class when those are missing
 * @param vendorClass option 60 (v4) or the vendor-class data (v6), e.g. {@code PXEClient:Arch:00007:UNDI:003000}
 * @param ipxe the client is iPXE (user class {@code iPXE} in either form, or DHCPv4 option 175)
 * @param asksForBootFile DHCPv6: the ORO lists option 59; DHCPv4 PXE clients always do
 * @param menuItem DHCPv4 boot-server request (UDP 4011) with option 43.71: the chosen boot server type
 * @param serverHost bootline's own address on the arrival link as a URL host ({@code 192.0.2.1} or {@code
 *     [2001:db8::1]}), for the template's {@code {{.ServerAddress}}}; empty when the link has none
 */
public record ClientFacts(
    Protocol protocol,
    MacAddress mac,
    String macSource,
    List<Arch> archs,
    Optional<String> vendorClass,
    boolean ipxe,
    boolean asksForBootFile,
    OptionalInt menuItem,
    String interfaceName,
    Optional<String> serverHost) {

  public enum Protocol {
    DHCP4_PROXY,
    DHCP4_BOOT_SERVER,
    DHCP6
  }

  public ClientFacts {
    archs = List.copyOf(archs);
  }

  public boolean isPxeFirmware() {
    return !ipxe && vendorClass.map(v -> v.startsWith("PXEClient")).orElse(false);
  }

  public boolean isHttpBootFirmware() {
    return !ipxe
        && (vendorClass.map(v -> v.startsWith("HTTPClient")).orElse(false)
            || (!archs.isEmpty() && archs.getFirst().isHttpBoot()));
  }

  /** The architecture that decides the boot file: the first listed (clients list their preferred one first). */
  public Optional<Arch> primaryArch() {
    if (!archs.isEmpty()) {
      return Optional.of(archs.getFirst());
    }
    return vendorClass.flatMap(Arch::fromVendorClass);
  }
}
