/**
 * Publishes every server's counters in the daemon's Micrometer registry (scraped at the admin server's
 * {@code /metrics}), named {@code bootline.<protocol>.<thing>}; see {@link dev.bootline.metrics.BootlineMetrics}.
 */
package dev.bootline.metrics;
