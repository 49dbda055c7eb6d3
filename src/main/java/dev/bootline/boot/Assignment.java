package dev.bootline.boot;

import java.util.Optional;

/**
 * An operator's per-machine override of the default policy (set through the admin API, persisted in the state dir).
 * What each one means for each kind of client is decided by {@link BootPolicy}; the iPXE script a machine fetches from
 * {@code /mac/<mac>/boot.ipxe} by {@link BootPolicy#ipxeScript}.
 */
public sealed interface Assignment {
  /** Never answer this machine. */
  record Ignore() implements Assignment {}

  /** Boot from local disk (PXE clients are told so; iPXE gets an {@code exit} script). */
  record Local() implements Assignment {}

  /** Chain iPXE to this URL instead of the template. */
  record ChainUrl(String url) implements Assignment {}

  /**
   * Hand iPXE this script (starts with {@code #!ipxe}) from bootline's boot plane. PXE firmware is chained to iPXE
   * first; UEFI HTTP-boot firmware, which cannot run a script, gets the default policy (as for {@link Kernel}).
   */
  record Script(String script) implements Assignment {}

  /** Boot this kernel (and initrd, when given) with this command line, through a generated iPXE script. */
  record Kernel(String kernel, Optional<String> initrd, String cmdline) implements Assignment {}

  /**
   * PXE firmware: skip the menu and boot the configured proxy-dhcp menu item at this 0-based index. iPXE and
   * HTTP-boot firmware, which never see the menu, get the default policy.
   */
  record MenuItem(int item) implements Assignment {}

  /** Lookup by MAC; the policy only reads it. */
  @FunctionalInterface
  interface Source {
    Optional<Assignment> forMac(dev.bootline.wire.MacAddress mac);

    Source NONE = mac -> Optional.empty();
  }
}
