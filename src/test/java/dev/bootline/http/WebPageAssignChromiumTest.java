package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.Assignment;
import dev.bootline.config.BootlineConfig;
import dev.bootline.events.EventLog;
import dev.bootline.wire.MacAddress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's per-machine assignment controls in a real headless Chromium against the admin plane on loopback: what
 * the operator types reaches {@code PUT/DELETE /api/machines/<mac>} with the pasted bearer token, the store changes,
 * and a refusal says why (403 when the server has no token, 401 for a wrong or missing one). Skipped without
 * chromium unless -Dbootline.lab.required=true.
 */
@Timeout(300)
class WebPageAssignChromiumTest {
  static final String MAC = "52:54:00:12:34:56";
  static final String TOKEN = "operator-secret-1";
  static final Path SHOTS = Path.of("target", "web-screenshots");

  @TempDir Path stateDir;
  EventLog log;
  AdminServer admin;
  AssignmentStore store;

  void start(Optional<String> token) throws Exception {
    log = EventLog.open(stateDir);
    admin = new AdminServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), log,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    store = AssignmentStore.open(stateDir);
    admin.assignments(store, token);
    admin.start();
    long id = log.record(MAC, "2001:db8::5254:12:3456", "point_pxe_to_ipxe_over_tftp", Map.of("arch", 7), "dhcp6@lo").id();
    assertThat(log.awaitJournaled(id, Duration.ofSeconds(30))).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (log != null) {
      log.close();
    }
  }

  String url() {
    return "http://127.0.0.1:" + admin.ports().getFirst() + "/#mac=" + MAC;
  }

  static String opened() {
    return "document.body.dataset.snapshot && document.getElementById('timeline').dataset.loaded === '" + MAC + "'";
  }

  /** Types like an operator: sets the field's value and fires the event a keystroke or a choice would. */
  static void type(HeadlessChromium c, String id, String value) throws Exception {
    String event = id.equals("assign-boot") ? "change" : "input";
    c.evaluate("(() => { const e = document.getElementById('" + id + "'); e.value = " + js(value) + ";"
        + " e.dispatchEvent(new Event('" + event + "')); })()");
  }

  static void click(HeadlessChromium c, String id) throws Exception {
    c.evaluate("document.getElementById('" + id + "').click()");
  }

  static String js(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Waits for the result line to change from "sending…" and returns it with its class. */
  static String result(HeadlessChromium c) throws Exception {
    c.waitFor("(() => { const r = document.getElementById('assign-result'); return r.textContent && r.textContent !== 'sending…'; })()");
    return c.evaluate("document.getElementById('assign-result').className + ': ' + document.getElementById('assign-result').textContent").asText();
  }

  static void clearResult(HeadlessChromium c) throws Exception {
    c.evaluate("document.getElementById('assign-result').textContent = ''");
  }

  @Test
  void withoutAConfiguredTokenTheControlsSayAssignmentsAreOff() throws Exception {
    start(Optional.empty());
    try (HeadlessChromium c = HeadlessChromium.start()) {
      c.load(url(), opened());
      type(c, "token", "anything");
      type(c, "assign-boot", "local");
      click(c, "assign-set");
      String r = result(c);
      c.screenshot(SHOTS.resolve("assign-off.png"));
      assertThat(r).startsWith("error: ").contains("switched off").contains("no admin token configured")
          .contains("http.admin-token-file");
    }
    assertThat(store.forMac(MacAddress.parse(MAC).orElseThrow())).isEmpty();
  }

  @Test
  void theOperatorsTokenAssignsAndClearsAndAWrongOneIsRefused() throws Exception {
    start(Optional.of(TOKEN));
    MacAddress mac = MacAddress.parse(MAC).orElseThrow();
    try (HeadlessChromium c = HeadlessChromium.start()) {
      c.load(url(), opened());
      // no token pasted yet
      type(c, "assign-boot", "chain");
      type(c, "assign-url", "http://192.0.2.1/rescue.ipxe");
      click(c, "assign-set");
      assertThat(result(c)).startsWith("error: Paste the admin token first (401)");

      clearResult(c);
      type(c, "token", "not-the-token");
      click(c, "assign-set");
      assertThat(result(c)).startsWith("error: The admin token was refused (401)").contains("Bearer");
      assertThat(store.forMac(mac)).isEmpty();

      clearResult(c);
      type(c, "token", TOKEN);
      assertThat(c.evaluate("sessionStorage.getItem('bootline.adminToken')").asText()).isEqualTo(TOKEN);
      click(c, "assign-set");
      assertThat(result(c)).isEqualTo("ok: Assigned: chain http://192.0.2.1/rescue.ipxe");
      assertThat(store.forMac(mac)).contains(new Assignment.ChainUrl("http://192.0.2.1/rescue.ipxe"));
      // the machines table shows it too (the journaled assignment_set reaches the page over SSE)
      c.waitFor("document.querySelector('tr[data-mac=\"" + MAC + "\"] td.assignment').textContent"
          + " === 'chain http://192.0.2.1/rescue.ipxe'");
      c.screenshot(SHOTS.resolve("assign-chain.png"));

      clearResult(c);
      type(c, "assign-boot", "kernel");
      type(c, "assign-kernel", "http://192.0.2.1/vmlinuz");
      type(c, "assign-initrd", "http://192.0.2.1/initrd.img");
      type(c, "assign-cmdline", "console=ttyS0 quiet");
      click(c, "assign-set");
      assertThat(result(c)).isEqualTo("ok: Assigned: kernel http://192.0.2.1/vmlinuz");
      assertThat(store.forMac(mac)).contains(new Assignment.Kernel("http://192.0.2.1/vmlinuz",
          Optional.of("http://192.0.2.1/initrd.img"), "console=ttyS0 quiet"));

      clearResult(c);
      type(c, "assign-boot", "menu-item");
      type(c, "assign-item", "2");
      click(c, "assign-set");
      assertThat(result(c)).isEqualTo("ok: Assigned: menu item 2");
      assertThat(store.forMac(mac)).contains(new Assignment.MenuItem(2));

      for (String boot : List.of("ignore", "local")) {
        clearResult(c);
        type(c, "assign-boot", boot);
        click(c, "assign-set");
        assertThat(result(c)).isEqualTo("ok: Assigned: " + boot);
      }
      assertThat(store.forMac(mac)).contains(new Assignment.Local());

      // a bad value is the server's 400 with its reason, and changes nothing
      clearResult(c);
      type(c, "assign-boot", "chain");
      type(c, "assign-url", "ftp://192.0.2.1/x");
      click(c, "assign-set");
      assertThat(result(c)).startsWith("error: Refused (400)").contains("http:// or https://");
      assertThat(store.forMac(mac)).contains(new Assignment.Local());

      clearResult(c);
      click(c, "assign-clear");
      assertThat(result(c)).isEqualTo("ok: Assignment cleared");
      assertThat(store.forMac(mac)).isEmpty();
      c.waitFor("document.getElementById('timeline-assignment').textContent === 'Assignment: none (default policy)'");
      // the token stays for this tab only, and "forget" drops it
      click(c, "forget-token");
      assertThat(c.evaluate("sessionStorage.getItem('bootline.adminToken')").isNull()).isTrue();
      c.screenshot(SHOTS.resolve("assign-cleared.png"));
    }
  }
}
