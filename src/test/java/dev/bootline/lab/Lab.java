package dev.bootline.lab;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throw-away network lab: namespaces, bridges, taps and veths with documentation addresses, processes started
 * inside the namespaces, captures and QEMU guests. {@link #close()} kills every process (by PID, descendants first)
 * and deletes every namespace, whatever happened before; a JVM shutdown hook does the same if the test JVM is stopped.
 * Namespaces are named {@code bl<jvm-pid><letter>-<label>}: {@link #create} removes those left by a JVM that no longer
 * runs (a killed earlier run) and never touches a live run's.
 */
public final class Lab implements AutoCloseable {
  /** Prefix of every namespace the lab creates. */
  public static final String PREFIX = "bl";

  private static final Pattern OWNED = Pattern.compile(PREFIX + "(\\d+)[a-z]+-.+");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final String testName;
  private final String runId;
  private final Path dir;
  private final Set<Netns> namespaces = Collections.synchronizedSet(new LinkedHashSet<>());
  private final List<LabProcess> processes = Collections.synchronizedList(new ArrayList<>());
  private final List<Path> tempDirs = Collections.synchronizedList(new ArrayList<>());
  private final Thread shutdownHook;
  private volatile boolean closed;

  private Lab(String testName) {
    this.testName = testName;
    this.runId = PREFIX + ProcessHandle.current().pid() + letters(SEQUENCE.getAndIncrement());
    this.dir = Paths.get("target", "lab", testName).toAbsolutePath();
    try {
      deleteRecursively(dir);
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.shutdownHook = new Thread(this::close, "lab-cleanup-" + runId);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A new lab whose logs go to {@code target/lab/<testName>/}; first removes stale namespaces of dead runs. */
  public static Lab create(String testName) {
    removeStaleNamespaces();
    return new Lab(testName);
  }

  public String testName() {
    return testName;
  }

  /** Folder for this test's logs, captures and firmware copies. */
  public Path dir() {
    return dir;
  }

  // ---------------------------------------------------------------- topology

  /** Creates namespace {@code <runId>-<label>} with lo up, IPv6 on and duplicate address detection off. */
  public Netns namespace(String label) {
    Netns ns = new Netns(runId + "-" + label);
    run("ip", "netns", "add", ns.name());
    namespaces.add(ns);
    ip(ns, "link", "set", "lo", "up");
    exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
        "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    return ns;
  }

  /** A bridge without STP, forwarding delay or multicast snooping (so DHCPv6 multicast floods to every port). */
  public void bridge(Netns ns, String name) {
    ip(ns, "link", "add", name, "type", "bridge", "stp_state", "0", "forward_delay", "0", "mcast_snooping", "0");
    up(ns, name);
  }

  /** A tap device for QEMU ({@code -netdev tap,ifname=name}), as a port of {@code bridge} when not null. */
  public void tap(Netns ns, String name, String bridge) {
    ip(ns, "tuntap", "add", "dev", name, "mode", "tap");
    if (bridge != null) {
      ip(ns, "link", "set", name, "master", bridge);
    }
    up(ns, name);
  }

  /** A veth pair from {@code a}/{@code nameA} to {@code b}/{@code nameB}, both ends up. */
  public void veth(Netns a, String nameA, Netns b, String nameB) {
    ip(a, "link", "add", nameA, "type", "veth", "peer", "name", nameB, "netns", b.name());
    up(a, nameA);
    up(b, nameB);
  }

  public void attachToBridge(Netns ns, String ifName, String bridge) {
    ip(ns, "link", "set", ifName, "master", bridge);
  }

  /** A new client namespace {@code label} whose eth0 is the far end of port {@code port} of br0 in {@code srv}. */
  public Netns bridgePort(Netns srv, String label, String port) {
    Netns c = namespace(label);
    veth(srv, port, c, "eth0");
    attachToBridge(srv, port, "br0");
    return c;
  }

  /** {@link #bridgePort(Netns, String, String)} with eth0's MAC set to {@code mac}. */
  public Netns bridgePort(Netns srv, String label, String port, String mac) {
    Netns c = bridgePort(srv, label, port);
    mac(c, "eth0", mac);
    up(c, "eth0");
    return c;
  }

  /**
   * radvd on {@code ifName} in {@code srv}, advertising {@code prefix} on-link with the Managed and Other flags and no
   * SLAAC: iPXE only starts DHCPv6 after such a router advertisement (OVMF does not need one).
   */
  public LabProcess radvdManaged(Netns srv, String ifName, String prefix) throws java.io.IOException {
    Path conf = dir().resolve("radvd-" + ifName + ".conf");
    Files.writeString(conf, """
        interface %s {
          AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 10;
          AdvManagedFlag on; AdvOtherConfigFlag on;
          prefix %s { AdvOnLink on; AdvAutonomous off; };
        };
        """.formatted(ifName, prefix));
    return start(srv, "radvd-" + ifName, List.of("radvd", "-n", "-d", "1", "-m", "stderr", "-C", conf.toString(),
        "-p", dir().resolve("radvd-" + ifName + ".pid").toString()));
  }

  /**
   * Adds an address such as {@code 192.0.2.1/24} or {@code 2001:db8:1::1/64} (no DAD). Only documentation ranges
   * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and link-local are accepted.
   */
  public void address(Netns ns, String ifName, String cidr) {
    requireDocumentationAddress(cidr);
    if (cidr.contains(":")) {
      ip(ns, "addr", "add", cidr, "dev", ifName, "nodad");
    } else {
      ip(ns, "addr", "add", cidr, "dev", ifName);
    }
  }

  public void up(Netns ns, String... ifNames) {
    for (String ifName : ifNames) {
      exec(ns, "sysctl", "-qw", "net.ipv6.conf." + ifName + ".accept_dad=0");
      ip(ns, "link", "set", ifName, "up");
    }
  }

  /**
   * The usual firmware-test server side: namespace {@code srv} with bridge {@code br0} at {@code cidr} and tap
   * {@code tap0} (for QEMU) as its port, both up.
   */
  public Netns firmwareServer(String cidr) {
    Netns srv = namespace("srv");
    bridge(srv, "br0");
    address(srv, "br0", cidr);
    tap(srv, "tap0", "br0");
    up(srv, "br0", "tap0");
    return srv;
  }

  /**
   * Sets a MAC. The link is taken down and back up when it was up, so its IPv6 link-local (EUI-64) is derived from the
   * new MAC — relayed DHCPv6 tests recover the MAC from it.
   */
  public void mac(Netns ns, String ifName, String mac) {
    boolean wasUp = ip(ns, "-o", "link", "show", "dev", ifName).contains("<") && ip(ns, "-o", "link", "show", "dev", ifName).matches("(?s).*[<,]UP[,>].*");
    if (wasUp) {
      ip(ns, "link", "set", ifName, "down");
    }
    ip(ns, "link", "set", ifName, "address", mac);
    if (wasUp) {
      ip(ns, "link", "set", ifName, "up");
    }
  }

  /** Kernel ifindex of an interface inside a namespace. */
  public int ifIndex(Netns ns, String ifName) {
    String out = ip(ns, "-o", "link", "show", "dev", ifName);
    Matcher m = Pattern.compile("^(\\d+):").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no ifindex in: " + out);
    }
    return Integer.parseInt(m.group(1));
  }

  /** The fe80:: address of an interface (link-local addresses appear as soon as the link is up, DAD being off). */
  public String linkLocal(Netns ns, String ifName) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Matcher m = Pattern.compile("inet6 (fe80::[0-9a-f:]+)/64").matcher(ip(ns, "-6", "addr", "show", "dev", ifName));
      if (m.find()) {
        return m.group(1);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no IPv6 link-local address on " + ifName + " in " + ns);
      }
      sleep(100);
    }
  }

  /** Runs {@code ip -n NS args...} and returns its output; fails with the output on a non-zero exit. */
  public String ip(Netns ns, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns.name()));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  /** Runs a command to completion inside a namespace and returns its output (stdout and stderr). */
  public String exec(Netns ns, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
    cmd.addAll(List.of(command));
    return run(cmd.toArray(String[]::new));
  }

  // ---------------------------------------------------------------- processes

  /**
   * Starts {@code command} inside {@code ns} with stdout and stderr in {@code <dir>/<logName>.log}; the lab kills it
   * on close.
   */
  /**
   * Runs a real {@code dhclient -6} once on {@code ns}'s eth0 until it is bound, with its own config, script, lease and
   * pid files under {@link #dir()} (never the system ones); returns the script's environment log (one
   * {@code --- reason=...} block per call, with every {@code new_*} variable), where a test reads what it was given.
   */
  public String dhclient6(Netns ns, String name) throws IOException {
    Path script = dir.resolve(name + "-script");
    Path env = dir.resolve(name + "-env.log");
    Files.writeString(script, """
        #!/bin/sh
        { echo "--- reason=$reason"; env | grep -E '^(interface|new_|reason)' | sort; echo "--- done $reason"; } >> %s
        exit 0
        """.formatted(env));
    script.toFile().setExecutable(true);
    Files.writeString(dir.resolve(name + ".conf"), "also request dhcp6.bootfile-url;\n");
    try (LabProcess p = start(ns, name, List.of("timeout", "40", "dhclient", "-6", "-d", "-1", "-v",
        "-cf", dir.resolve(name + ".conf").toString(), "-sf", script.toString(),
        "-lf", dir.resolve(name + ".leases").toString(), "-pf", dir.resolve(name + ".pid").toString(), "eth0"))) {
      // [flood #8] the block's last line: closing dhclient at "reason=BOUND6" killed the script mid-block (flaky)
      Logs.waitFor(env, Pattern.compile("--- done BOUND6"), Duration.ofSeconds(45));
    }
    return Files.readString(env);
  }

  public LabProcess start(Netns ns, String logName, List<String> command) {
    ensureOpen();
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
    cmd.addAll(command);
    Path log = dir.resolve(logName + ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      LabProcess lp = new LabProcess(logName, p, log, cmd);
      processes.add(lp);
      return lp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /**
   * Starts a {@code main} from the test class path in a child JVM inside {@code ns} (same JDK as the test JVM, native
   * access enabled) — the way to run code that must see the namespace's interfaces.
   */
  public LabProcess startJava(Netns ns, String logName, Class<?> mainClass, String... args) {
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.addAll(List.of("-cp", childClassPath(mainClass), mainClass.getName()));
    cmd.addAll(List.of(args));
    return start(ns, logName, cmd);
  }

  /** Runs bootline itself ({@code java -jar $bootline.jar args...}) inside {@code ns}. */
  public LabProcess startBootline(Netns ns, String logName, String... args) {
    return startBootline(ns, logName, javaCommand(), args);
  }

  /**
   * bootline under the launcher's own JVM flags (C2, a 128 MiB heap, the serial collector) rather than the lab's
   * fast-start ones: for tests that judge memory or behaviour under load as users run it.
   */
  public LabProcess startBootlineAsLauncher(Netns ns, String logName, String... args) {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    return startBootline(ns, logName,
        List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-XX:+UseSerialGC"), args);
  }

  private LabProcess startBootline(Netns ns, String logName, List<String> java, String... args) {
    String jar = System.getProperty("bootline.jar", Paths.get("target", "bootline.jar").toString());
    List<String> cmd = new ArrayList<>(java);
    cmd.addAll(List.of("-jar", Paths.get(jar).toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    return start(ns, logName, cmd);
  }

  private static List<String> javaCommand() {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and serial GC: child JVMs start faster and cost less on a shared 2-core machine.
    return List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  }

  private static String childClassPath(Class<?> mainClass) {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : List.of(mainClass, dev.bootline.net.UdpSocket.class)) {
      try {
        entries.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException | NullPointerException e) {
        // fall back to java.class.path below
      }
    }
    entries.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
    return String.join(File.pathSeparator, entries);
  }

  /** Starts {@code tcpdump --immediate-mode -U -n -s 0 -i ifName -w <dir>/<name>.pcap} in {@code ns} and waits until it listens. */
  public Capture capture(Netns ns, String ifName, String name) {
    Path pcap = dir.resolve(name + ".pcap");
    LabProcess p = start(ns, "tcpdump-" + name,
        List.of("tcpdump", "--immediate-mode", "-U", "-n", "-s", "0", "-Z", "root", "-i", ifName, "-w",
            pcap.toString()));
    p.waitFor("listening on", Duration.ofSeconds(15));
    return new Capture(this, p, pcap);
  }

  /** A QEMU guest with SeaBIOS and QEMU's iPXE option ROM, on tap {@code tap} in {@code ns}. */
  public Qemu.Builder seabios(Netns ns, String tap) {
    return new Qemu.Builder(this, ns, tap, Qemu.Firmware.SEABIOS);
  }

  /** A QEMU q35 guest with OVMF (per-run copy of the variable store), on tap {@code tap} in {@code ns}. */
  public Qemu.Builder ovmf(Netns ns, String tap) {
    return new Qemu.Builder(this, ns, tap, Qemu.Firmware.OVMF);
  }

  /** A short private directory (for unix sockets, whose paths are limited to 107 bytes). */
  Path shortTempDir() {
    try {
      Path p = Files.createTempDirectory(runId + "-");
      tempDirs.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- cleanup

  /** Kills every started process, then anything still inside the lab's namespaces, then deletes the namespaces. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<LabProcess> started;
    synchronized (processes) {
      started = new ArrayList<>(processes);
    }
    Collections.reverse(started);
    for (LabProcess p : started) {
      try {
        p.close();
      } catch (RuntimeException e) {
        System.err.println("lab: could not stop " + p + ": " + e);
      }
    }
    List<Netns> created;
    synchronized (namespaces) {
      created = new ArrayList<>(namespaces);
    }
    for (Netns ns : created) {
      deleteNamespace(ns.name());
    }
    for (Path t : tempDirs) {
      try {
        deleteRecursively(t);
      } catch (IOException e) {
        System.err.println("lab: could not delete " + t + ": " + e);
      }
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: fine, close() is idempotent
      }
    }
  }

  /** Kills processes still inside the namespace (e.g. daemons that forked away from their parent) and deletes it. */
  private static void deleteNamespace(String name) {
    try {
      Result pids = runQuietly("ip", "netns", "pids", name);
      for (String line : pids.output().lines().toList()) {
        if (line.isBlank()) continue;
        ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(LabProcess::terminate);
      }
      Result del = runQuietly("ip", "netns", "del", name);
      if (del.exit() != 0 && !del.output().contains("No such file")) {
        System.err.println("lab: ip netns del " + name + ": " + del.output());
      }
    } catch (RuntimeException e) {
      System.err.println("lab: could not delete namespace " + name + ": " + e);
    }
  }

  /** Deletes namespaces named like ours whose owning JVM is gone (a killed earlier run). */
  static void removeStaleNamespaces() {
    Result list = runQuietly("ip", "netns", "list");
    for (String line : list.output().lines().toList()) {
      String name = line.split("\\s+")[0];
      Matcher m = OWNED.matcher(name);
      if (m.matches() && !jvmAlive(Long.parseLong(m.group(1)))) {
        System.err.println("lab: removing stale namespace " + name);
        deleteNamespace(name);
      }
    }
  }

  private static boolean jvmAlive(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return false;
    }
    // a reused PID that is not a JVM does not own the namespace
    return h.get().info().command().map(c -> c.endsWith("java")).orElse(true);
  }

  // ---------------------------------------------------------------- helpers

  static boolean isRoot() {
    for (String line : Requirement.read(Path.of("/proc/self/status")).lines().toList()) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[2].equals("0"); // effective uid
      }
    }
    return false;
  }

  /** Can this machine create a namespace and a veth in it? Empty when yes, else the reason. */
  static Optional<String> probeNamespaces() {
    String probe = PREFIX + ProcessHandle.current().pid() + "probe-x";
    try {
      Result add = runQuietly("ip", "netns", "add", probe);
      if (add.exit() != 0) {
        return Optional.of("cannot create a network namespace: " + add.output().strip());
      }
      Result veth = runQuietly("ip", "-n", probe, "link", "add", "p0", "type", "veth", "peer", "name", "p1");
      if (veth.exit() != 0) {
        return Optional.of("cannot create a veth pair in a namespace: " + veth.output().strip());
      }
      return Optional.empty();
    } finally {
      runQuietly("ip", "netns", "del", probe);
    }
  }

  static void requireDocumentationAddress(String cidr) {
    String address = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
    byte[] a;
    try {
      a = InetAddress.getByName(address).getAddress();
    } catch (IOException e) {
      throw new IllegalArgumentException("not an address: " + cidr);
    }
    boolean ok = a.length == 4
        ? (a[0] == (byte) 192 && a[1] == 0 && a[2] == 2)
            || (a[0] == (byte) 198 && a[1] == 51 && a[2] == 100)
            || (a[0] == (byte) 203 && a[1] == 0 && a[2] == 113)
        : (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == (byte) 0xb8)
            || (a[0] == (byte) 0xfe && (a[1] & 0xc0) == 0x80);
    if (!ok) {
      throw new IllegalArgumentException("lab addresses must be documentation ranges (192.0.2.0/24, "
          + "198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) or link-local: " + cidr);
    }
  }

  record Result(int exit, String output) {}

  /** Runs a command and returns its output; fails with the output on a non-zero exit. */
  public String run(String... command) {
    ensureOpen();
    Result r = runQuietly(command);
    if (r.exit() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + r.exit() + ": " + r.output().strip());
    }
    return r.output();
  }

  static Result runQuietly(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        LabProcess.terminate(p.toHandle());
        return new Result(-1, "timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("lab " + runId + " is closed");
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String letters(int n) {
    StringBuilder sb = new StringBuilder();
    do {
      sb.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return sb.toString();
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
