package dev.bootline.robust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.lab.Lab;
import dev.bootline.lab.LabProcess;
import dev.bootline.lab.LabTest;
import dev.bootline.lab.Logs;
import dev.bootline.lab.Netns;
import dev.bootline.lab.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Privilege: {@code bootline serve} runs as an unprivileged user (uid/gid {@value #UID}, no supplementary groups, no
 * passwd entry) holding only CAP_NET_BIND_SERVICE and CAP_NET_RAW — what packaging/bootline.service grants — started
 * through {@code setpriv} exactly as systemd's User= + AmbientCapabilities= + CapabilityBoundingSet= +
 * NoNewPrivileges= would. It must bind DHCPv4 67/4011, DHCPv6 547, TFTP 69 and HTTP 80, answer a real dhclient -6,
 * serve iPXE over TFTP and HTTP byte for byte, write its journal as that user, and refuse a world-writable config
 * file or state dir with a message that says which and how to fix it.
 */
@LabTest({Requirement.DHCLIENT, Requirement.CURL, Requirement.IPXE_BINARIES, Requirement.BOOTLINE_JAR})
class UnprivilegedServeLabIT {
  static final int UID = 61999;
  static final String BASE = "2001:db8:1:0:abcd::";
  static final String MAC = "52:54:00:aa:bb:cc";
  static final Path IPXE_EFI = Paths.get("/usr/lib/ipxe/ipxe.efi");
  /** CAP_NET_BIND_SERVICE (10) | CAP_NET_RAW (13). */
  static final long TWO_CAPS = (1L << 10) | (1L << 13);

  /** setpriv as systemd would set the process up from packaging/bootline.service, then the bootline JVM. */
  static List<String> unprivilegedBootline(String... args) {
    String caps = "-all,+net_bind_service,+net_raw";
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
        "--inh-caps=" + caps, "--ambient-caps=" + caps, "--bounding-set=" + caps, "--no-new-privs"));
    cmd.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
        "-jar", Paths.get(System.getProperty("bootline.jar", "target/bootline.jar")).toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A state dir owned by the service user, mode 0750 (what systemd's StateDirectory= creates). */
  static Path stateDir(Lab lab, String name) throws Exception {
    Path d = lab.dir().resolve(name);
    Files.createDirectories(d);
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-x---"));
    lab.run("chown", UID + ":" + UID, d.toString());
    return d;
  }

  static Path config(Lab lab, String name, Path state) throws Exception {
    Path f = lab.dir().resolve(name);
    Files.writeString(f, """
        interfaces: [br0]
        state-dir: %s
        dhcp6:
          base-address: "%s"
        http:
          listen: [":80"]
          admin-listen: ["127.0.0.1:6315"]
        """.formatted(state, BASE));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    return f;
  }

  static Netns server(Lab lab) {
    Netns srv = lab.namespace("srv");
    lab.bridge(srv, "br0");
    lab.address(srv, "br0", "192.0.2.1/24");
    lab.address(srv, "br0", "2001:db8:1::1/64");
    lab.up(srv, "br0");
    return srv;
  }

  @Test
  void servesEverythingAsAnUnprivilegedUserWithTwoCapabilities(Lab lab) throws Exception {
    Netns srv = server(lab);
    Path state = stateDir(lab, "state");
    Path cfg = config(lab, "bootline.yaml", state);
    LabProcess bootline = lab.start(srv, "bootline", unprivilegedBootline("serve", "--config", cfg.toString()));
    bootline.waitFor("bootline: ready", Duration.ofSeconds(90));

    // the JVM really runs as the service user with exactly the two capabilities, and cannot regain more
    String status = Files.readString(Path.of("/proc", String.valueOf(bootline.pid()), "status"));
    assertThat(field(status, "Uid")).isEqualTo(UID + "\t" + UID + "\t" + UID + "\t" + UID);
    assertThat(field(status, "Gid")).isEqualTo(UID + "\t" + UID + "\t" + UID + "\t" + UID);
    assertThat(field(status, "Groups")).isEmpty();
    assertThat(Long.parseLong(field(status, "CapEff"), 16)).isEqualTo(TWO_CAPS);
    assertThat(Long.parseLong(field(status, "CapPrm"), 16)).isEqualTo(TWO_CAPS);
    assertThat(Long.parseLong(field(status, "CapBnd"), 16)).isEqualTo(TWO_CAPS);
    assertThat(field(status, "NoNewPrivs")).isEqualTo("1");

    // every privileged port is bound by that process
    String pid = "pid=" + bootline.pid() + ",";
    String udp = lab.exec(srv, "ss", "-Hlnup");
    String tcp = lab.exec(srv, "ss", "-Hlntp");
    for (int port : List.of(67, 4011, 547, 69)) {
      assertThat(udp.lines().filter(l -> l.contains(pid) && localPort(l) == port).count())
          .as("UDP %d bound by bootline in:\n%s", port, udp).isPositive();
    }
    assertThat(tcp.lines().filter(l -> l.contains(pid) && localPort(l) == 80).count())
        .as("TCP 80 bound by bootline in:\n%s", tcp).isPositive();

    // a real DHCPv6 client gets prefix ‖ MAC
    Netns c = lab.namespace("c1");
    lab.veth(srv, "vc1", c, "eth0");
    lab.attachToBridge(srv, "vc1", "br0");
    lab.mac(c, "eth0", MAC);
    lab.address(c, "eth0", "192.0.2.10/24");
    lab.up(srv, "vc1");
    lab.up(c, "eth0");
    assertThat(lab.dhclient6(c, "dhclient")).contains("new_ip6_address=2001:db8:1:0:abcd:5254:aa:bbcc");

    // TFTP (port 69) and HTTP (port 80) hand out the iPXE binary byte for byte
    byte[] expected = Files.readAllBytes(IPXE_EFI);
    Path viaTftp = lab.dir().resolve("ipxe-tftp.efi");
    lab.exec(c, "curl", "-sS", "--max-time", "60", "-o", viaTftp.toString(), "tftp://192.0.2.1/" + MAC + "/ipxe.efi");
    assertThat(Files.readAllBytes(viaTftp)).as("TFTP download").isEqualTo(expected);
    Path viaHttp = lab.dir().resolve("ipxe-http.efi");
    lab.exec(c, "curl", "-sS", "-f", "--max-time", "60", "-o", viaHttp.toString(),
        "http://192.0.2.1/ipxe/" + MAC + "/ipxe.efi");
    assertThat(Files.readAllBytes(viaHttp)).as("HTTP download").isEqualTo(expected);

    // the journal was written by the service user into its own state dir
    List<Path> owned;
    try (var s = Files.walk(state)) {
      owned = s.filter(Files::isRegularFile).toList();
    }
    assertThat(owned).as("files bootline wrote in " + state).isNotEmpty();
    for (Path p : owned) {
      assertThat((Integer) Files.getAttribute(p, "unix:uid")).as("owner of " + p).isEqualTo(UID);
    }
    assertThat(bootline.isAlive()).isTrue();
    assertThat(Logs.read(bootline.log())).doesNotContain("Permission denied", "Operation not permitted", "Exception");
  }

  @Test
  void refusesWorldWritableConfigAndStateDir(Lab lab) throws Exception {
    Netns srv = server(lab);

    Path state = stateDir(lab, "state-open");
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
    LabProcess openState = lab.start(srv, "bootline-open-state",
        unprivilegedBootline("serve", "--config", config(lab, "ok.yaml", state).toString()));
    assertThat(openState.waitForExit(Duration.ofSeconds(90))).isEqualTo(2);
    assertThat(Logs.read(openState.log()))
        .contains("bootline: state-dir " + state + " is world-writable; fix with chmod o-w " + state)
        .doesNotContain("Exception", "bootline: ready");

    Path cfg = config(lab, "open.yaml", stateDir(lab, "state"));
    Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-rw-rw-"));
    LabProcess openConfig = lab.start(srv, "bootline-open-config", unprivilegedBootline("serve", "--config", cfg.toString()));
    assertThat(openConfig.waitForExit(Duration.ofSeconds(90))).isEqualTo(2);
    assertThat(Logs.read(openConfig.log()))
        .contains(cfg + ": file is world-writable; fix with chmod o-w " + cfg)
        .doesNotContain("Exception", "bootline: ready");
  }

  private static String field(String status, String name) {
    Optional<String> line = status.lines().filter(l -> l.startsWith(name + ":")).findFirst();
    return line.orElseThrow(() -> new AssertionError("no " + name + " in /proc status")).substring(name.length() + 1).strip();
  }

  /** Local port of an {@code ss -H} line: State Recv-Q Send-Q Local:Port Peer:Port ... */
  private static int localPort(String ssLine) {
    String local = ssLine.trim().split("\\s+")[3];
    return Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
  }
}
