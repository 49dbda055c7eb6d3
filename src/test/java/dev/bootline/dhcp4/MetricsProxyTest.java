package dev.bootline.dhcp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.metrics.BootlineMetrics;
import dev.bootline.metrics.Scrape;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The proxy's counters in the registry. Counted through the same {@code count} the receive path calls (no datagrams:
 * DHCP traffic only flows in lab namespaces), before and after binding.
 */
class MetricsProxyTest {
  @Test
  void everyOutcomeAndReasonIsASeriesReadingTheServersOwnCounters() throws Exception {
    BootlineConfig c = ConfigLoader.fromYaml("interfaces: [br0]\n", "t.yaml", List.of());
    ProxyDhcpServer proxy = new ProxyDhcpServer(c, new BootPolicy(c), Assignment.Source.NONE, (m, ip, n, d, s) -> null);
    proxy.count("received", "");
    proxy.count("silent", "not_pxe"); // before binding: still published
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BootlineMetrics.bind(registry, proxy);
    for (int i = 0; i < 3; i++) {
      proxy.count("received", "");
    }
    proxy.count("answered", "");
    proxy.count("answered", "");
    proxy.count("silent", "not_pxe");
    proxy.count("malformed", "truncated_datagram");

    Scrape s = Scrape.of(registry);
    assertThat(s.get("bootline_proxy_packets_received_total")).isEqualTo(4.0);
    assertThat(s.get("bootline_proxy_packets_total{reason=\"reply\",result=\"answered\"}")).isEqualTo(2.0);
    assertThat(s.get("bootline_proxy_packets_total{reason=\"not_pxe\",result=\"silent\"}")).isEqualTo(2.0);
    assertThat(s.get("bootline_proxy_packets_total{reason=\"truncated_datagram\",result=\"malformed\"}")).isEqualTo(1.0);
    assertThat(proxy.received()).isEqualTo(4);
    assertThat(proxy.silentByReason()).containsEntry("not_pxe", 2L);
  }
}
