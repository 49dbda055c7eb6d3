package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.tftp.TftpEvents;
import dev.bootline.wire.MacAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the daemon journals for TFTP transfers (TftpServer decides when; the daemon decides what is journaled). */
class DaemonTftpEventsTest {
  record Recorded(String mac, String ip, String name, Map<String, Object> detail, String server) {}

  @Test
  void progressIsJournaledAsATftpFetchInStateSending() throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml("interfaces: [br0]\n", "t.yaml", List.of());
    List<Recorded> journal = new ArrayList<>();
    TftpEvents events = Daemon.tftpEvents(
        (mac, ip, name, detail, server) -> {
          journal.add(new Recorded(mac, ip, name, Map.copyOf(detail), server));
          return null;
        },
        new BootPolicy(c));
    MacAddress mac = MacAddress.parse("52:54:00:12:34:56").orElseThrow();
    events.transferProgress(new TftpEvents.TransferProgress(
        "52:54:00:12:34:56/initrd", new InetSocketAddress("192.0.2.10", 2000), Optional.of(mac), 3_000_000, 64_000_000));
    assertThat(journal).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("tftp_fetch");
      assertThat(r.server()).isEqualTo("tftp");
      assertThat(r.mac()).isEqualTo("52:54:00:12:34:56");
      assertThat(r.ip()).isEqualTo("192.0.2.10");
      assertThat(r.detail()).containsEntry("state", "sending").containsEntry("file", "52:54:00:12:34:56/initrd")
          .containsEntry("bytes", 3_000_000L).containsEntry("bytes_total", 64_000_000L);
    });
  }
}
