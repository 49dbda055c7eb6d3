package dev.bootline.boot;

import dev.bootline.config.BootlineConfig;

/**
 * What bootline tells one machine, decided by {@link BootPolicy}: each plan names the lifecycle event it implies and a
 * human-readable reason (shown by {@code bootline explain} and in logs).
 */
public sealed interface BootPlan {
  String event();

  String reason();

  /**
   * Boot a file over TFTP: {@code path} is relative to the TFTP root, e.g. {@code 52:54:00:12:34:56/ipxe.efi}. The
   * front end turns it into siaddr+file (v4) or a {@code tftp://[server]/path} URL (v6).
   */
  record TftpFile(String path, String event, String reason) implements BootPlan {}

  /** Boot from an HTTP(S) URL (iPXE chain target, or UEFI HTTP boot). */
  record HttpUrl(String url, String event, String reason) implements BootPlan {}

  /** Show the PXE boot menu (BIOS clients over option 43, or any client at the 4011 boot server). */
  record Menu(BootlineConfig.Menu menu, String event, String reason) implements BootPlan {}

  /** Tell a PXE client to boot from its local disk (menu item {@code local}, or an assignment). */
  record LocalBoot(String event, String reason) implements BootPlan {}

  /** DHCPv6: give the address (the client is an OS, or firmware not netbooting); DHCPv4 proxy: stay silent. */
  record AddressOnly(String event, String reason) implements BootPlan {}

  /** Say nothing at all (configured to ignore, or nothing sensible to offer); the reason is logged and counted. */
  record Ignore(String event, String reason) implements BootPlan {}
}
