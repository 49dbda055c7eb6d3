package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import dev.bootline.metrics.BootlineMetrics;
import dev.bootline.metrics.Scrape;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP only on loopback (127.0.0.1, an ephemeral port). */
class MetricsHttpTest {
  @TempDir Path dir;

  @Test
  void fetchesBytesAndActiveFetches() throws Exception {
    Path netboot = dir.resolve("netboot");
    Files.createDirectories(netboot.resolve("52:54:00:12:34:56"));
    Files.write(netboot.resolve("52:54:00:12:34:56/disk.img"), new byte[10_000]);
    BootHttpServer server = new BootHttpServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)),
        Optional.of(netboot), new IpxeCatalog(Map.of(BootlineConfig.IpxeTarget.X86_64_EFI, Files.write(dir.resolve("ipxe.efi"), new byte[] {1}))), (mac, remote, path, sent, total, state) -> {});
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BootlineMetrics.bind(registry, server);
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.ports().getFirst();
      for (int i = 0; i < 2; i++) {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + "/mac/525400123456/disk.img")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
      }
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/mac/525400123456/nope.img")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
      // the server counts a fetch when its response callback completes, which can be just after the client has the body
      for (int i = 0; i < 2000 && server.fetchesByResult().get("complete") < 2; i++) {
        Thread.sleep(10);
      }

      Scrape s = Scrape.of(registry);
      assertThat(s.get("bootline_http_fetches_total{result=\"complete\"}")).isEqualTo(2.0);
      assertThat(s.get("bootline_http_fetches_total{result=\"not_found\"}")).isEqualTo(1.0);
      assertThat(s.get("bootline_http_fetches_total{result=\"error\"}")).isEqualTo(0.0);
      assertThat(s.get("bootline_http_bytes_total")).isEqualTo(20_000.0);
      assertThat(s.get("bootline_http_fetches_active")).isEqualTo(0.0);
    } finally {
      server.close();
    }
  }
}
