package dev.bootline.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Prometheus text scrape as series (name with labels, exactly as printed) to value. */
public final class Scrape {
  private final Map<String, Double> series = new LinkedHashMap<>();
  private final String text;

  private Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  public static Scrape of(PrometheusMeterRegistry registry) {
    return new Scrape(registry.scrape());
  }

  /** The value of {@code series} (e.g. {@code bootline_tftp_transfers_total{result="completed"}}), or null. */
  public Double get(String name) {
    return series.get(name);
  }

  public Map<String, Double> all() {
    return series;
  }

  @Override
  public String toString() {
    return text;
  }
}
