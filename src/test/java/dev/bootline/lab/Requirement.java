package dev.bootline.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Something a lab test needs from the machine; {@link #missing()} says what is absent, in words a user can act on. */
public enum Requirement {
  ROOT {
    @Override
    Optional<String> missing() {
      return Lab.isRoot() ? Optional.empty() : Optional.of("not running as root (network namespaces need it)");
    }
  },
  IP(command("ip", "iproute2")),
  NETNS {
    @Override
    Optional<String> missing() {
      return Lab.probeNamespaces();
    }
  },
  QEMU(command("qemu-system-x86_64", "qemu-system-x86")),
  OVMF(files("ovmf", "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd")),
  IPXE_ROMS(files("ipxe-qemu", "/usr/lib/ipxe/qemu/efi-virtio.rom", "/usr/lib/ipxe/qemu/pxe-e1000.rom")),
  IPXE_BINARIES(files("ipxe", "/usr/lib/ipxe/undionly.kpxe", "/usr/lib/ipxe/ipxe.efi")),
  TCPDUMP(command("tcpdump", "tcpdump")),
  TSHARK(command("tshark", "tshark")),
  DHCLIENT(command("dhclient", "isc-dhcp-client")),
  PYTHON3(command("python3", "python3")),
  CURL(command("curl", "curl")),
  ATFTP(command("atftp", "atftp")),
  DNSMASQ(command("dnsmasq", "dnsmasq-base")),
  RADVD(command("radvd", "radvd")),
  ISC_DHCPD(files("isc-dhcp-server", "/usr/sbin/dhcpd")), // the export proofs (cli/ExportLabIT)
  KEA_DHCP4(files("kea-dhcp4-server", "/usr/sbin/kea-dhcp4")),
  CHROMIUM(command("chromium", "chromium")), // the operator page's browser tests (http/WebPageLabIT)
  BOOTLINE_JAR {
    @Override
    Optional<String> missing() {
      String jar = System.getProperty("bootline.jar");
      if (jar == null) {
        return Optional.of("system property bootline.jar is not set (run through ./mvnw verify)");
      }
      return Files.isRegularFile(Path.of(jar)) ? Optional.empty()
          : Optional.of("bootline jar " + jar + " does not exist (./mvnw package first)");
    }
  };

  private final Check check;

  Requirement(Check check) {
    this.check = check;
  }

  Requirement() {
    this.check = null;
  }

  @FunctionalInterface
  interface Check {
    Optional<String> missing();
  }

  Optional<String> missing() {
    return check.missing();
  }

  /** All reasons, one per missing requirement (ROOT first: without it the others cannot be probed meaningfully). */
  static List<String> missing(List<Requirement> requirements) {
    List<String> reasons = new ArrayList<>();
    for (Requirement r : requirements) {
      if (r == NETNS && !reasons.isEmpty()) {
        continue; // probing namespaces as non-root or without ip only repeats the first reason
      }
      r.missing().ifPresent(reasons::add);
    }
    return reasons;
  }

  static Optional<Path> onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    List<String> dirs = new ArrayList<>(List.of(path.split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String dir : dirs) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static Check command(String command, String debianPackage) {
    return () -> onPath(command).isPresent() ? Optional.empty()
        : Optional.of("'" + command + "' not found on PATH (apt-get install " + debianPackage + ")");
  }

  private static Check files(String debianPackage, String... paths) {
    return () -> {
      for (String p : paths) {
        if (!Files.isRegularFile(Path.of(p))) {
          return Optional.of(p + " not found (apt-get install " + debianPackage + ")");
        }
      }
      return Optional.empty();
    };
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }
}
