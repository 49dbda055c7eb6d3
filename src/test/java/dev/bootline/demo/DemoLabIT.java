package dev.bootline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.LabTest;
import dev.bootline.lab.Requirement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README command 1, as a user runs it: {@code bootline demo} builds its own lab, boots a UEFI machine over IPv6 and a
 * BIOS machine through the PXE menu, both reach their boot script, it exits 0 and leaves nothing behind.
 */
@LabTest({Requirement.QEMU, Requirement.OVMF, Requirement.IPXE_ROMS, Requirement.IPXE_BINARIES, Requirement.RADVD,
    Requirement.DNSMASQ, Requirement.CURL, Requirement.BOOTLINE_JAR})
class DemoLabIT {
  @Test
  void bothMachinesReachTheirBootScriptAndTheLabIsGoneAfterwards() throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    String jar = Paths.get(System.getProperty("bootline.jar", "target/bootline.jar")).toAbsolutePath().toString();
    Process demo = new ProcessBuilder(java, "-jar", jar, "demo", "--timeout", "300", "--admin-port", "0",
        "--workdir", Paths.get("target", "lab", "demo").toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    String out;
    try {
      boolean done = demo.waitFor(360, TimeUnit.SECONDS);
      out = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(done).as("demo finished; output:\n" + out).isTrue();
    } finally {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
    assertThat(demo.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("uefi-v6 52:54:00:de:00:01 — OVMF, PXEv6 -> iPXE -> HTTP: reached its boot script")
        .contains("bios-menu 52:54:00:de:00:02 — SeaBIOS + iPXE ROM, PXE menu -> 4011 -> iPXE -> HTTP: reached its boot script");
    String namespaces = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(namespaces).doesNotContain(DemoCommand.NS_SRV).doesNotContain(DemoCommand.NS_SITE);
    for (String p : List.of("qemu-system-x86_64", "radvd")) {
      assertThat(ProcessHandle.allProcesses().filter(h -> h.info().command().orElse("").endsWith(p))
          .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("bootline-demo") || String.join(" ", a).contains("target/lab/demo")).orElse(false))
          .count()).as(p + " left running").isZero();
    }
  }
}
