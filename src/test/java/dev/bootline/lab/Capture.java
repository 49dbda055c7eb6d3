package dev.bootline.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A running tcpdump capture; {@link #stop()} it, then read packets back with {@link #packets(String...)}. */
public final class Capture {
  private final Lab lab;
  private final LabProcess tcpdump;
  private final Path pcap;

  Capture(Lab lab, LabProcess tcpdump, Path pcap) {
    this.lab = lab;
    this.tcpdump = tcpdump;
    this.pcap = pcap;
  }

  public Path pcap() {
    return pcap;
  }

  /**
   * Stops tcpdump (SIGTERM makes it write what it has). Idempotent. Waits a moment first so packets the kernel has
   * not yet handed to tcpdump are not lost (immediate mode makes that moment short).
   */
  public Capture stop() {
    if (tcpdump.isAlive()) {
      Lab.sleep(300);
    }
    tcpdump.close();
    return this;
  }

  /**
   * One line per packet ({@code tcpdump -r pcap -n -e [-v] filter...}), e.g. {@code packets("udp", "port", "68")}.
   * Stop the capture first for a complete list.
   */
  public List<String> packets(String... filter) {
    List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", pcap.toString(), "-n", "-e", "-tt"));
    cmd.addAll(List.of(filter));
    String out = lab.run(cmd.toArray(String[]::new));
    return out.lines().filter(l -> !l.startsWith("reading from file")).toList();
  }

  /** Verbose decode of every packet (tshark -V when installed, else tcpdump -vvv -X), for debugging. */
  public String decode() {
    List<String> cmd = Requirement.onPath("tshark").isPresent()
        ? List.of("tshark", "-r", pcap.toString(), "-V")
        : List.of("tcpdump", "-r", pcap.toString(), "-n", "-e", "-vvv", "-X");
    return lab.run(cmd.toArray(String[]::new));
  }
}
