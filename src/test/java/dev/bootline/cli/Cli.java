package dev.bootline.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@code bootline ARGS} in-process and keeps what a user would read. */
record Cli(int exitCode, String out, String err) {
  static synchronized Cli run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int rc = Main.run(args);
      return new Cli(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** The documented example config (design.md §6 shape): a three-item menu, a template, a DHCPv6 prefix. */
  static Path exampleConfig(Path dir) throws IOException {
    Path f = dir.resolve("bootline.yaml");
    Files.writeString(f, """
        dhcp6:
          base-address: "2001:db8:0123:4567::"
        proxy-dhcp:
          menu:
            prompt: "Press F8 for the boot menu"
            timeout: 5
            items:
              - label: "Network boot (iPXE)"
                boot: ipxe
              - label: "Boot from local disk"
                boot: local
              - label: "Rescue"
                boot: {file: rescue/pxelinux.0}
        boot:
          http-boot-url-template: "http://[{{.BaseAddress}}]/mac/{{.MAC}}/boot.ipxe"
        """);
    return f;
  }
}
