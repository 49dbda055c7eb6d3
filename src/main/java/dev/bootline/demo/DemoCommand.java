package dev.bootline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bootline demo}: builds an isolated lab (network namespaces, bridges, taps; documentation addresses only;
 * nothing on the host's interfaces), runs bootline in it with a built-in config beside a stand-in site DHCP server,
 * boots a UEFI machine over IPv6 (PXEv6 → iPXE → HTTP) and a BIOS machine through the proxyDHCP menu (menu → 4011 →
 * iPXE → HTTP) at once, shows their timelines live, and ends with a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Boot two virtual machines (UEFI over IPv6, BIOS through the PXE menu) against bootline in an isolated lab.")
public final class DemoCommand implements Callable<Integer> {
  static final String NS_SRV = "bldemo-srv";
  static final String NS_SITE = "bldemo-site";
  static final List<String> PACKAGES = List.of("qemu-system-x86", "ovmf", "ipxe", "ipxe-qemu", "radvd", "dnsmasq-base", "curl", "iproute2");

  @Option(names = "--timeout", description = "Seconds both machines get to reach their boot script (default ${DEFAULT-VALUE}).")
  int timeoutSeconds = 420;

  @Option(names = "--admin-port", description = "Host loopback port forwarded to the demo's admin page (default ${DEFAULT-VALUE}).")
  int adminPort = 16315;

  @Option(names = "--workdir", description = "Where logs, config and state go (default ${DEFAULT-VALUE}).")
  Path workdir = Paths.get("/tmp/bootline-demo");

  /** One demo machine. */
  record Machine(String label, String mac, String how, String tap) {}

  static final Machine UEFI = new Machine("uefi-v6", "52:54:00:de:00:01", "OVMF, PXEv6 -> iPXE -> HTTP", "tap6");
  static final Machine BIOS = new Machine("bios-menu", "52:54:00:de:00:02", "SeaBIOS + iPXE ROM, PXE menu -> 4011 -> iPXE -> HTTP", "tap4");

  private final PrintStream out = System.out;
  private final long t0 = System.nanoTime();
  private final Map<String, List<String>> stages = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
  private Host host;

  @Override
  public Integer call() throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      System.err.println("bootline demo: run as root (sudo ./bootline demo): it creates network namespaces, bridges and taps.");
      return 2;
    }
    installMissingPackages();
    cleanStale();
    if (Files.exists(workdir)) {
      try (Stream<Path> s = Files.walk(workdir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(workdir);
    host = new Host(workdir);
    Thread cleanup = Thread.ofPlatform().unstarted(this::teardown);
    Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C tears everything down
    for (Machine m : List.of(UEFI, BIOS)) {
      stages.put(m.mac(), new ArrayList<>());
      reached.put(m.mac(), new CountDownLatch(1));
    }
    try {
      return runDemo();
    } finally {
      teardown();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
    }
  }

  private int runDemo() throws Exception {
    out.println("bootline demo: lab in network namespaces " + NS_SRV + " and " + NS_SITE + " (192.0.2.0/24, 2001:db8:1::/64); work dir " + workdir);
    buildLab();
    writeBootFiles();
    Path config = writeConfig();
    String java = ProcessHandle.current().info().command().orElse("java");
    String jar = Paths.get(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    Process bootline = host.start("bootline", List.of("ip", "netns", "exec", NS_SRV, java, "--enable-native-access=ALL-UNNAMED",
        // the launcher's and the systemd unit's defaults: a small heap keeps the daemon's RSS well under 256 MiB
        "-XX:+UseSerialGC", "-Xmx128m", "-jar", jar, "serve", "--config", config.toString()));
    waitForLine(workdir.resolve("bootline.log"), "bootline: ready", bootline, 60);
    out.println(elapsed() + "  bootline is serving br6 (IPv6) and br4 (proxyDHCP beside the site DHCP server)");
    startSiteServices();
    followEvents();
    forwardAdminPort(java, jar);
    startMachines();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    boolean all = true;
    for (Machine m : List.of(UEFI, BIOS)) {
      long left = Math.max(0, deadline - System.nanoTime());
      all &= reached.get(m.mac()).await(left, TimeUnit.NANOSECONDS);
    }
    Thread.sleep(1500); // let the last lines arrive
    summary();
    if (!all) {
      System.err.println("bootline demo: not every machine reached its boot script within " + timeoutSeconds + " s; logs in " + workdir);
      return 1;
    }
    return 0;
  }

  private void installMissingPackages() throws IOException, InterruptedException {
    List<String> missing = new ArrayList<>();
    for (String p : PACKAGES) {
      Process q = new ProcessBuilder("dpkg-query", "-W", "-f=${Status}", p).redirectErrorStream(true).start();
      String status = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (q.waitFor() != 0 || !status.contains("install ok installed")) {
        missing.add(p);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    out.println("bootline demo: installing Debian packages the demo needs (virtual machines, firmware, iPXE, RA and a stand-in DHCP server): " + String.join(" ", missing));
    Host h = new Host(Paths.get("/tmp"));
    h.run("apt-get", "update", "-qq");
    List<String> cmd = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq"));
    cmd.addAll(missing);
    h.run(cmd.toArray(String[]::new));
  }

  /** A second run after an interrupted one: remove the old namespaces and whatever still runs in them. */
  private void cleanStale() {
    Host h = new Host(Paths.get("/tmp"));
    for (String ns : List.of(NS_SRV, NS_SITE)) {
      for (String pid : h.quiet("ip", "netns", "pids", ns).split("\\s+")) {
        if (pid.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      h.quiet("ip", "netns", "del", ns);
    }
  }

  private void buildLab() throws Exception {
    String[][] steps = {
      {"ip", "netns", "add", NS_SRV},
      {"ip", "netns", "add", NS_SITE},
      {"ip", "-n", NS_SRV, "link", "set", "lo", "up"},
      {"ip", "-n", NS_SITE, "link", "set", "lo", "up"},
      {"ip", "netns", "exec", NS_SRV, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"},
      // br6: IPv6-only link for the UEFI machine
      {"ip", "-n", NS_SRV, "link", "add", "br6", "type", "bridge", "stp_state", "0", "forward_delay", "0"},
      {"ip", "-n", NS_SRV, "tuntap", "add", "dev", UEFI.tap(), "mode", "tap"},
      {"ip", "-n", NS_SRV, "link", "set", UEFI.tap(), "master", "br6"},
      {"ip", "-n", NS_SRV, "addr", "add", "2001:db8:1::1/64", "dev", "br6", "nodad"},
      // br4: IPv4 link with the site's DHCP server (another namespace) for the BIOS machine
      {"ip", "-n", NS_SRV, "link", "add", "br4", "type", "bridge", "stp_state", "0", "forward_delay", "0"},
      {"ip", "-n", NS_SRV, "tuntap", "add", "dev", BIOS.tap(), "mode", "tap"},
      {"ip", "-n", NS_SRV, "link", "set", BIOS.tap(), "master", "br4"},
      {"ip", "-n", NS_SRV, "addr", "add", "192.0.2.1/24", "dev", "br4"},
      {"ip", "-n", NS_SRV, "link", "add", "vsite", "type", "veth", "peer", "name", "eth0", "netns", NS_SITE},
      {"ip", "-n", NS_SRV, "link", "set", "vsite", "master", "br4"},
      {"ip", "-n", NS_SITE, "addr", "add", "192.0.2.2/24", "dev", "eth0"},
      {"ip", "-n", NS_SITE, "link", "set", "eth0", "up"},
    };
    for (String[] s : steps) {
      host.run(s);
    }
    for (String i : List.of("br6", UEFI.tap(), "br4", BIOS.tap(), "vsite")) {
      host.run("ip", "-n", NS_SRV, "link", "set", i, "up");
    }
  }

  private void writeBootFiles() throws IOException {
    for (Machine m : List.of(UEFI, BIOS)) {
      Path dir = workdir.resolve("netboot").resolve(m.mac());
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("boot.ipxe"), """
          #!ipxe
          echo
          echo ==== bootline demo: %s (%s) reached its boot script ====
          echo
          sleep 2
          poweroff || echo (this iPXE cannot power off; the demo stops the machine)
          """.formatted(m.label(), m.mac()));
    }
  }

  private Path writeConfig() throws IOException {
    Path config = workdir.resolve("bootline-demo.yaml");
    Files.writeString(config, """
        # bootline demo: the built-in lab config
        interfaces: [br6, br4]
        state-dir: %s
        dhcp6:
          base-address: "2001:db8:1::"
        proxy-dhcp:
          menu:
            prompt: "bootline demo menu"
            timeout: 3
            items:
              - {label: "Network boot (iPXE)", boot: ipxe}
              - {label: "Boot from local disk", boot: local}
        boot:
          http-boot-url-template: "http://{{.ServerAddress}}/mac/{{.MAC}}/boot.ipxe"
        http:
          listen: [":80"]
          admin-listen: ["127.0.0.1:6315"]
          netboot-dir: %s
        """.formatted(workdir.resolve("state"), workdir.resolve("netboot")));
    return config;
  }

  private void startSiteServices() throws IOException {
    Path radvd = workdir.resolve("radvd.conf");
    // iPXE starts DHCPv6 only after a router advertisement with M set; the site's router would send it.
    Files.writeString(radvd, """
        interface br6 {
          AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 10;
          AdvManagedFlag on; AdvOtherConfigFlag on;
          prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous off; };
        };
        """);
    host.start("radvd", List.of("ip", "netns", "exec", NS_SRV, "radvd", "-n", "-m", "stderr", "-C", radvd.toString(),
        "-p", workdir.resolve("radvd.pid").toString()));
    // The site's own DHCP server: addresses only, untouched by bootline.
    host.start("site-dhcp", List.of("ip", "netns", "exec", NS_SITE, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--port=0", "--no-resolv", "--no-hosts", "--user=root", "--group=root", "--bind-interfaces", "--interface=eth0",
        "--dhcp-range=192.0.2.100,192.0.2.199,255.255.255.0,10m", "--dhcp-leasefile=" + workdir.resolve("site.leases"),
        "--pid-file=" + workdir.resolve("site.pid"), "--log-facility=-", "--log-dhcp"));
  }

  private void startMachines() throws IOException {
    Path vars = workdir.resolve("uefi-OVMF_VARS.fd");
    Files.copy(Paths.get("/usr/share/OVMF/OVMF_VARS_4M.fd"), vars, StandardCopyOption.REPLACE_EXISTING);
    List<String> common = List.of("qemu-system-x86_64", "-accel", "tcg,thread=multi", "-m", "512", "-smp", "1",
        "-display", "none", "-no-reboot");
    List<String> uefi = new ArrayList<>(List.of("ip", "netns", "exec", NS_SRV));
    uefi.addAll(common);
    uefi.addAll(List.of("-machine", "q35", "-vga", "std",
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
        "-drive", "if=pflash,format=raw,unit=1,file=" + vars,
        "-serial", "file:" + workdir.resolve("uefi-v6-console.log"),
        "-netdev", "tap,id=n0,ifname=" + UEFI.tap() + ",script=no,downscript=no",
        "-device", "virtio-net-pci,netdev=n0,mac=" + UEFI.mac() + ",bootindex=1,romfile=",
        "-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n"));
    List<String> bios = new ArrayList<>(List.of("ip", "netns", "exec", NS_SRV));
    bios.addAll(common);
    bios.addAll(List.of("-machine", "pc", "-vga", "std", "-device", "sga",
        "-serial", "file:" + workdir.resolve("bios-menu-console.log"),
        "-netdev", "tap,id=n0,ifname=" + BIOS.tap() + ",script=no,downscript=no",
        "-device", "virtio-net-pci,netdev=n0,mac=" + BIOS.mac() + ",bootindex=1"));
    host.start("qemu-uefi", uefi);
    host.start("qemu-bios", bios);
    out.println(elapsed() + "  booting " + UEFI.label() + " " + UEFI.mac() + ": " + UEFI.how());
    out.println(elapsed() + "  booting " + BIOS.label() + " " + BIOS.mac() + ": " + BIOS.how());
    out.println("          (under software emulation this takes a minute or two; consoles in " + workdir + "/*-console.log)");
    for (Machine m : List.of(UEFI, BIOS)) {
      Thread.ofVirtual().start(() -> watchConsole(m));
    }
  }

  /** The machine's own console is the final judge: its boot script prints a banner. */
  private void watchConsole(Machine m) {
    Path console = workdir.resolve(m.label() + "-console.log");
    String banner = "bootline demo: " + m.label() + " (" + m.mac() + ") reached its boot script";
    while (reached.get(m.mac()).getCount() > 0) {
      try {
        // sgabios positions every character with an escape sequence: strip them before matching
        if (Files.exists(console)
            && Files.readString(console, StandardCharsets.ISO_8859_1).replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").contains(banner)) {
          synchronized (out) {
            out.println(String.format("%s  %-9s %s  console: %s", elapsed(), m.label(), m.mac(), banner));
          }
          stages.get(m.mac()).add(String.format("%7.1f s  %s", seconds(), "boot script ran (console)"));
          reached.get(m.mac()).countDown();
          return;
        }
        Thread.sleep(500);
      } catch (IOException | InterruptedException e) {
        return;
      }
    }
  }

  /** Streams bootline's /events inside the lab and prints one line per boot step. */
  private void followEvents() throws IOException {
    Process curl = host.startPiped(List.of("ip", "netns", "exec", NS_SRV, "curl", "-sN", "--retry", "20", "--retry-connrefused",
        "--retry-delay", "1", "http://127.0.0.1:6315/events"));
    ObjectMapper json = new ObjectMapper();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.startsWith("data:")) {
            continue;
          }
          JsonNode n = json.readTree(line.substring(5).strip());
          if (n == null || !n.has("event") || !n.get("event").isObject()) {
            continue; // the snapshot
          }
          onEvent(n.path("mac").asText(), n.get("event"));
        }
      } catch (IOException ignored) {
        // stream ended: teardown
      }
    });
  }

  private void onEvent(String mac, JsonNode e) {
    Machine m = mac.equals(UEFI.mac()) ? UEFI : mac.equals(BIOS.mac()) ? BIOS : null;
    if (m == null) {
      return;
    }
    String name = e.path("event").asText();
    JsonNode d = e.path("detail");
    String what = d.has("url") ? d.path("url").asText() : d.has("file") ? d.path("file").asText() + " " + d.path("state").asText("") : d.path("label").asText("");
    String line = String.format("%s  %-9s %s  %-28s %s", elapsed(), m.label(), m.mac(), name, what);
    synchronized (out) {
      out.println(line);
    }
    stages.get(m.mac()).add(String.format("%7.1f s  %s", seconds(), name));
  }

  /** Forwards host 127.0.0.1:adminPort to the admin server inside the lab, one in-namespace pipe per connection. */
  private void forwardAdminPort(String java, String jar) {
    try {
      ServerSocket ss = new ServerSocket(adminPort, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!ss.isClosed()) {
          try {
            Socket s = ss.accept();
            Process p = host.startPiped(List.of("ip", "netns", "exec", NS_SRV, java, "-cp", jar, Pipe.class.getName(), "127.0.0.1", "6315"));
            Thread.ofVirtual().start(() -> pump(s, p));
          } catch (IOException e) {
            return;
          }
        }
      });
      out.println("          admin page and live events: http://127.0.0.1:" + adminPort + "/  (forwarded into the lab)");
    } catch (IOException e) {
      out.println("          (port " + adminPort + " is busy: no admin page forward; choose another with --admin-port)");
    }
  }

  private static void pump(Socket s, Process p) {
    try (s) {
      Thread up = Thread.ofVirtual().start(() -> {
        try (OutputStream o = p.getOutputStream()) {
          s.getInputStream().transferTo(o);
        } catch (IOException ignored) {
          // client closed
        }
      });
      p.getInputStream().transferTo(s.getOutputStream());
      up.join(1000);
    } catch (IOException | InterruptedException ignored) {
      // connection over
    } finally {
      p.destroy();
    }
  }

  private void summary() {
    out.println();
    out.println("bootline demo: summary (seconds since the demo started)");
    for (Machine m : List.of(UEFI, BIOS)) {
      boolean ok = reached.get(m.mac()).getCount() == 0;
      out.println("  " + m.label() + " " + m.mac() + " — " + m.how() + ": " + (ok ? "reached its boot script" : "DID NOT reach its boot script"));
      Map<String, String> firstOf = new LinkedHashMap<>();
      for (String s : stages.get(m.mac())) {
        firstOf.putIfAbsent(s.substring(s.indexOf("s  ") + 3), s);
      }
      firstOf.values().forEach(s -> out.println("    " + s));
    }
  }

  private static void waitForLine(Path log, String text, Process p, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IOException("bootline exited: " + Files.readString(log).strip());
      }
      Thread.sleep(200);
    }
    throw new IOException("bootline did not start within " + seconds + " s; see " + log);
  }

  private double seconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  private String elapsed() {
    return String.format("%+7.1fs", seconds());
  }

  private synchronized void teardown() {
    if (host != null) {
      host.killAll();
    }
    cleanStale();
  }
}
