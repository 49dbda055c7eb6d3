package dev.bootline.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A QEMU guest booting real firmware from the network, running inside a lab namespace on a tap device. TCG only:
 * nested KVM cannot run OVMF here. The serial console goes to {@code <lab>/<name>-serial.log}; match against
 * {@link #serialText()}, which has ANSI escapes stripped (sgabios and OVMF paint the screen with them).
 */
public final class Qemu implements AutoCloseable {
  public static final String OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
  public static final String OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";
  public static final String DEFAULT_MAC = "52:54:00:12:34:56";

  public enum Firmware { SEABIOS, OVMF }

  private final LabProcess process;
  private final Path serialLog;
  private final Path monitorSocket;

  private Qemu(LabProcess process, Path serialLog, Path monitorSocket) {
    this.process = process;
    this.serialLog = serialLog;
    this.monitorSocket = monitorSocket;
  }

  /** Options for one guest; obtain with {@link Lab#seabios} or {@link Lab#ovmf}. */
  public static final class Builder {
    private final Lab lab;
    private final Netns ns;
    private final String tap;
    private final Firmware firmware;
    private String name = "qemu";
    private String nic = "virtio-net-pci";
    private String mac = DEFAULT_MAC;
    private String romfile; // null: QEMU's default ROM (iPXE); "": none (EDK2's own driver)
    private final Map<String, String> fwCfg = new LinkedHashMap<>();
    private int memoryMb = 512;
    private final List<String> extra = new ArrayList<>();

    Builder(Lab lab, Netns ns, String tap, Firmware firmware) {
      this.lab = lab;
      this.ns = ns;
      this.tap = tap;
      this.firmware = firmware;
    }

    /** Prefix of the log files ({@code <name>.log}, {@code <name>-serial.log}). */
    public Builder name(String value) {
      this.name = value;
      return this;
    }

    /** {@code virtio-net-pci} (default) or {@code e1000}. */
    public Builder nic(String model) {
      this.nic = model;
      return this;
    }

    public Builder mac(String value) {
      this.mac = value;
      return this;
    }

    /** NIC option ROM: {@code ""} removes it (OVMF then uses EDK2's own PXE/HTTP stack instead of iPXE). */
    public Builder romfile(String value) {
      this.romfile = value;
      return this;
    }

    /** A {@code -fw_cfg name=...,string=...} knob, e.g. {@code opt/org.tianocore/IPv4PXESupport}, {@code n}. */
    public Builder fwCfg(String key, String value) {
      fwCfg.put(key, value);
      return this;
    }

    public Builder memoryMb(int value) {
      this.memoryMb = value;
      return this;
    }

    public Builder extraArgs(String... args) {
      extra.addAll(List.of(args));
      return this;
    }

    /** The full command line (without the {@code ip netns exec} prefix). */
    public List<String> command(Path serialLog, Path monitorSocket, Path varsCopy) {
      List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64",
          "-accel", "tcg,thread=multi", "-m", Integer.toString(memoryMb), "-smp", "1",
          "-display", "none", "-no-reboot",
          "-monitor", "unix:" + monitorSocket + ",server,nowait",
          "-serial", "file:" + serialLog,
          "-netdev", "tap,id=n0,ifname=" + tap + ",script=no,downscript=no"));
      switch (firmware) {
        case SEABIOS -> cmd.addAll(List.of("-machine", "pc", "-vga", "std", "-device", "sga"));
        case OVMF -> cmd.addAll(List.of("-machine", "q35", "-vga", "std",
            "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
            "-drive", "if=pflash,format=raw,unit=1,file=" + varsCopy));
      }
      String device = nic + ",netdev=n0,mac=" + mac + ",bootindex=1" + (romfile == null ? "" : ",romfile=" + romfile);
      cmd.addAll(List.of("-device", device));
      fwCfg.forEach((k, v) -> cmd.addAll(List.of("-fw_cfg", "name=" + k + ",string=" + v)));
      cmd.addAll(extra);
      return cmd;
    }

    /** Starts QEMU in the namespace; the lab kills it on close. */
    public Qemu start() {
      Path serial = lab.dir().resolve(name + "-serial.log");
      Path monitor = lab.shortTempDir().resolve("mon.sock");
      Path vars = lab.dir().resolve(name + "-OVMF_VARS.fd");
      if (firmware == Firmware.OVMF) {
        try {
          Files.copy(Path.of(OVMF_VARS), vars, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      LabProcess p = lab.start(ns, name, command(serial, monitor, vars));
      return new Qemu(p, serial, monitor);
    }
  }

  public LabProcess process() {
    return process;
  }

  public Path serialLog() {
    return serialLog;
  }

  /** The serial console so far, ANSI escapes and control characters removed. */
  public String serialText() {
    return Logs.stripAnsi(Logs.read(serialLog));
  }

  /** Waits for {@code regex} on the (stripped) serial console; fails early when QEMU exits. */
  public MatchResult waitForSerial(String regex, Duration timeout) {
    return Logs.waitFor(serialLog, Pattern.compile(regex), timeout, Logs::stripAnsi, process::isAlive,
        "qemu (log " + process.log() + ": " + Logs.tail(process.log(), 5) + ")");
  }

  /** Sends one HMP monitor command (e.g. {@code screendump /path.ppm}, {@code info network}) and returns the reply. */
  public String monitor(String command) {
    CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(monitorSocket));
        readUntilPrompt(ch);
        ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
        return Logs.stripAnsi(readUntilPrompt(ch));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      return reply.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("QEMU monitor command '" + command + "' failed: " + e, e);
    }
  }

  private static String readUntilPrompt(SocketChannel ch) throws IOException {
    StringBuilder sb = new StringBuilder();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    while (!sb.toString().endsWith("(qemu) ")) {
      buf.clear();
      if (ch.read(buf) < 0) break;
      sb.append(StandardCharsets.ISO_8859_1.decode(buf.flip()));
    }
    return sb.toString();
  }

  /** Stops QEMU (TERM, then KILL). */
  @Override
  public void close() {
    process.close();
  }
}
