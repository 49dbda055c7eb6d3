package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.metrics.BootlineMetrics;
import dev.bootline.metrics.Scrape;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TFTP series after real transfers over the in-memory network of {@link TftpServerTest}. */
class MetricsTftpTest {
  @TempDir Path root;
  TftpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void requestsTransfersBytesAndActiveTransfers() throws Exception {
    Files.writeString(root.resolve("hello.txt"), "hello\n");
    TftpServerTest.FakeNetwork net = new TftpServerTest.FakeNetwork();
    var config = new TftpServer.Config(
        List.of(TftpServerTest.LISTEN), 2, 1500, new ReadTransfer.Settings(1468, 64, Duration.ofMillis(200), 2));
    server = new TftpServer(config, new TftpPathResolver(root), new TftpEvents() {}, net);
    server.start();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BootlineMetrics.bind(registry, server);

    // a write request: refused
    TftpServerTest.Client w = net.client(999);
    w.send(TftpServerTest.LISTEN, new TftpPacket.WriteRequest("x", TransferMode.OCTET, List.of()));
    assertThat(w.nextPacket()).isInstanceOf(TftpPacket.Error.class);

    // a read: OACK, DATA 1 — the transfer is active until the last ACK
    TftpServerTest.Client c = net.client(1000);
    c.send(TftpServerTest.LISTEN, TftpServerTest.rrq("hello.txt", new TftpOption("tsize", "0")));
    var oack = c.next();
    c.send(oack.source(), new TftpPacket.Ack(0));
    assertThat(c.nextPacket()).isEqualTo(new TftpPacket.Data(1, "hello\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(Scrape.of(registry).get("bootline_tftp_transfers_active")).isEqualTo(1.0);
    c.send(oack.source(), new TftpPacket.Ack(1));
    // the transfer thread counts completion after the last ACK: wait for it (bounded; not a timing assertion)
    for (int i = 0; i < 2000 && (server.counters().get("transfers.completed") < 1 || server.activeTransfers() > 0); i++) {
      Thread.sleep(10);
    }

    Scrape s = Scrape.of(registry);
    assertThat(s.get("bootline_tftp_packets_received_total")).isEqualTo(2.0);
    assertThat(s.all()).containsKey("bootline_tftp_packets_total{reason=\"" + refusedReason() + "\",result=\"refused\"}");
    assertThat(s.get("bootline_tftp_transfers_total{result=\"started\"}")).isEqualTo(1.0);
    assertThat(s.get("bootline_tftp_transfers_total{result=\"completed\"}")).isEqualTo(1.0);
    assertThat(s.get("bootline_tftp_bytes_total")).isEqualTo(6.0);
    assertThat(s.get("bootline_tftp_transfers_active")).isEqualTo(0.0);
    // every counter the server keeps is in the scrape with its value
    double published = s.all().entrySet().stream()
        .filter(e -> e.getKey().startsWith("bootline_tftp_") && e.getKey().contains("_total"))
        .mapToDouble(java.util.Map.Entry::getValue).sum();
    assertThat(published).isEqualTo(server.counters().snapshot().values().stream().mapToLong(Long::longValue).sum());
  }

  private String refusedReason() {
    return server.counters().snapshot().keySet().stream()
        .filter(k -> k.startsWith("refused.")).findFirst().orElseThrow().substring("refused.".length());
  }
}
