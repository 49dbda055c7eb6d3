package dev.bootline.boot;

import dev.bootline.boot.BootPlan.AddressOnly;
import dev.bootline.boot.BootPlan.HttpUrl;
import dev.bootline.boot.BootPlan.Ignore;
import dev.bootline.boot.BootPlan.LocalBoot;
import dev.bootline.boot.BootPlan.Menu;
import dev.bootline.boot.BootPlan.TftpFile;
import dev.bootline.boot.ClientFacts.Protocol;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.BootlineConfig.MenuBoot;
import java.util.List;
import java.util.Optional;

/**
 * The one boot policy every protocol front end asks: pure, no I/O, so {@code bootline explain} runs exactly what the
 * servers run.
 */
public final class BootPolicy {
  /** Boot-server type of menu item {@code i} (0-based) in option 43: PXE reserves 0 for local boot. */
  public static int menuItemType(int index) {
    return 0x8000 + index; // vendor-specific range, stable as long as the menu order is
  }

  private final BootlineConfig config;
  private final IpxeCatalog ipxe;

  public BootPolicy(BootlineConfig config) {
    this.config = config;
    this.ipxe = new IpxeCatalog(config.boot().ipxe());
  }

  public IpxeCatalog ipxe() {
    return ipxe;
  }

  public BootPlan decide(ClientFacts f, Assignment.Source assignments) {
    Optional<Assignment> a = assignments.forMac(f.mac());
    if (a.isPresent() && a.get() instanceof Assignment.Ignore) {
      return new Ignore("ignored", "assignment: ignore this machine");
    }
    if (f.ipxe()) {
      return forIpxe(f, a);
    }
    if (f.isHttpBootFirmware()) {
      if (!f.asksForBootFile()) {
        return new AddressOnly("firmware_init", "HTTP-boot firmware not asking for a boot file");
      }
      return template(f, "http_boot", "UEFI HTTP-boot firmware: the HTTP-boot URL from the template")
          .orElseGet(() -> new AddressOnly("firmware_init", "HTTP-boot firmware, but no http-boot-url-template is configured"));
    }
    if (f.isPxeFirmware()) {
      if (!f.asksForBootFile()) {
        return new AddressOnly("firmware_init", "PXE firmware configuring its network, not asking for a boot file");
      }
      if (a.isPresent() && a.get() instanceof Assignment.Local) {
        return new LocalBoot("local_boot", "assignment: boot from local disk");
      }
      if (a.isPresent() && a.get() instanceof Assignment.MenuItem m) {
        return assignedMenuItem(f, m.item());
      }
      // chain/script/kernel need iPXE: PXE firmware is chained to iPXE as usual, which then asks again.
      return forPxeFirmware(f);
    }
    return new AddressOnly("os_init", "neither PXE/HTTP-boot firmware nor iPXE: a booted OS");
  }

  private BootPlan forIpxe(ClientFacts f, Optional<Assignment> a) {
    if (a.isPresent() && a.get() instanceof Assignment.ChainUrl c) {
      return new HttpUrl(c.url(), "point_ipxe_to_http_boot", "iPXE: assignment chains to " + c.url());
    }
    if (a.isPresent() && ipxeScript(a.get()).isPresent()) {
      // local/script/kernel: iPXE fetches the script bootline renders for it from the boot plane.
      String what = a.get() instanceof Assignment.Local ? "local" : a.get() instanceof Assignment.Script ? "script" : "kernel";
      return bootScriptUrl(f)
          .<BootPlan>map(u -> new HttpUrl(u, "point_ipxe_to_http_boot", "iPXE: assignment '" + what + "', script at " + u))
          .orElseGet(() -> new Ignore("ignored", "iPXE: assignment '" + what + "', but bootline has no HTTP address on " + f.interfaceName()));
    }
    // Never hand iPXE another iPXE binary: that is the chainload loop.
    return template(f, "point_ipxe_to_http_boot", "iPXE: the HTTP-boot URL from the template")
        .orElseGet(
            () ->
                f.protocol() == Protocol.DHCP6
                    ? new AddressOnly("os_init", "iPXE, but no http-boot-url-template is configured")
                    : new Ignore("ignored", "iPXE, but no http-boot-url-template is configured"));
  }

  /**
   * The iPXE script bootline serves at {@code /mac/<mac>/boot.ipxe} for an assignment, if the assignment implies one
   * (local, script, kernel, chain); empty means: serve the netboot dir's file as without an assignment.
   */
  public static Optional<String> ipxeScript(Assignment a) {
    return switch (a) {
      case Assignment.Script s -> Optional.of(s.script().endsWith("\n") ? s.script() : s.script() + "\n");
      case Assignment.Kernel k -> {
        StringBuilder b = new StringBuilder("#!ipxe\nkernel ").append(k.kernel());
        if (!k.cmdline().isEmpty()) {
          b.append(' ').append(k.cmdline());
        }
        b.append('\n');
        k.initrd().ifPresent(i -> b.append("initrd ").append(i).append('\n'));
        yield Optional.of(b.append("boot\n").toString());
      }
      case Assignment.ChainUrl c -> Optional.of("#!ipxe\nchain " + c.url() + "\n");
      case Assignment.Local l -> Optional.of("#!ipxe\nexit\n"); // iPXE returns to the firmware's next boot entry
      case Assignment.Ignore i -> Optional.empty();
      case Assignment.MenuItem m -> Optional.empty();
    };
  }

  /** {@code http://<bootline on the client's link>[:port]/mac/<mac>/boot.ipxe}, on the first boot-plane listener. */
  private Optional<String> bootScriptUrl(ClientFacts f) {
    if (f.serverHost().isEmpty() || config.http().listen().isEmpty()) {
      return Optional.empty();
    }
    int port = config.http().listen().getFirst().port();
    return Optional.of("http://" + f.serverHost().get() + (port == 80 ? "" : ":" + port) + "/mac/" + f.mac() + "/boot.ipxe");
  }

  private BootPlan assignedMenuItem(ClientFacts f, int item) {
    Optional<BootlineConfig.Menu> menu = config.proxyDhcp().menu();
    Optional<Arch> arch = f.primaryArch();
    if (menu.isEmpty()) {
      return new Ignore("ignored", "assignment: menu item " + item + ", but no menu is configured");
    }
    if (arch.isEmpty()) {
      return new Ignore("ignored", "PXE client without option 93/61 or :Arch: in its vendor class");
    }
    return menuChoice(f, arch.get(), menu.get(), menuItemType(item));
  }

  private BootPlan forPxeFirmware(ClientFacts f) {
    Optional<Arch> arch = f.primaryArch();
    if (arch.isEmpty()) {
      return new Ignore("ignored", "PXE client without option 93/61 or :Arch: in its vendor class");
    }
    if (f.protocol() != Protocol.DHCP6) {
      Optional<BootlineConfig.Menu> menu = config.proxyDhcp().menu();
      if (menu.isPresent()) {
        if (f.menuItem().isPresent()) {
          return menuChoice(f, arch.get(), menu.get(), f.menuItem().getAsInt());
        }
        // BIOS clients get the menu in the proxy offer; every client asking the 4011 boot server without a choice too.
        if (f.protocol() == Protocol.DHCP4_BOOT_SERVER || !arch.get().isUefi()) {
          return new Menu(menu.get(), "pxe_menu_shown", "PXE client of arch " + arch.get() + ": the boot menu");
        }
      }
    }
    return ipxeOverTftp(f, arch.get());
  }

  private BootPlan menuChoice(ClientFacts f, Arch arch, BootlineConfig.Menu menu, int type) {
    if (type == 0) {
      return new LocalBoot("pxe_menu_choice", "menu: boot server type 0 is local boot");
    }
    int index = type - 0x8000;
    if (index < 0 || index >= menu.items().size()) {
      return new Ignore("ignored", "menu choice " + type + " is not an item of the configured menu");
    }
    BootlineConfig.MenuItem item = menu.items().get(index);
    return switch (item.boot()) {
      case MenuBoot.Local l -> new LocalBoot("pxe_menu_choice", "menu item '" + item.label() + "': local disk");
      case MenuBoot.File file ->
          new TftpFile(file.path(), "pxe_menu_choice", "menu item '" + item.label() + "': " + file.path());
      case MenuBoot.Ipxe i -> {
        BootPlan p = ipxeOverTftp(f, arch);
        yield p instanceof TftpFile t
            ? new TftpFile(t.path(), "pxe_menu_choice", "menu item '" + item.label() + "': " + t.reason())
            : p;
      }
    };
  }

  private BootPlan ipxeOverTftp(ClientFacts f, Arch arch) {
    return ipxe.tftpPath(f.mac(), arch)
        .<BootPlan>map(p -> new TftpFile(p, "point_pxe_to_ipxe_over_tftp", chainReason(arch)))
        .orElseGet(() -> new Ignore("ignored", "no iPXE binary configured for arch " + arch));
  }

  /** The reason text of a chain to iPXE, built once per architecture code below 64 (the common PXE answer). */
  private final String[] chainReasons = new String[64];

  private String chainReason(Arch arch) {
    int c = arch.code();
    if (c < 0 || c >= chainReasons.length) {
      return "PXE firmware of arch " + arch + ": chain to iPXE over TFTP";
    }
    String r = chainReasons[c]; // a racing thread at worst builds the same string twice
    if (r == null) {
      r = "PXE firmware of arch " + arch + ": chain to iPXE over TFTP";
      chainReasons[c] = r;
    }
    return r;
  }

  private Optional<BootPlan> template(ClientFacts f, String event, String reason) {
    Optional<UrlTemplate> t = config.boot().httpBootUrlTemplate();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    if (t.get().uses("ServerAddress") && f.serverHost().isEmpty()) {
      return Optional.of(new Ignore("ignored", "the template uses {{.ServerAddress}} but bootline has no address on " + f.interfaceName()));
    }
    String url = t.get().render(new UrlTemplate.Values(
        f.mac().toString(), config.dhcp6().baseAddressText(), archsOrDefault(f), f.serverHost().orElse("")));
    return Optional.of(new HttpUrl(url, event, reason));
  }

  private static List<Arch> archsOrDefault(ClientFacts f) {
    return f.archs().isEmpty() ? f.primaryArch().map(List::of).orElse(List.of()) : f.archs();
  }
}
