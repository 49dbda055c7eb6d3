package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.Assignment;
import dev.bootline.config.BootlineConfig;
import dev.bootline.events.BootEvent;
import dev.bootline.events.EventLog;
import dev.bootline.wire.MacAddress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator page in a real headless Chromium on loopback: the machines table and a timeline are rendered by the
 * page's JavaScript from /events and /api/machines (the HTML from the jar contains no machine data). Screenshots are
 * kept under target/web-screenshots/. Skipped without chromium unless -Dbootline.lab.required=true.
 */
@Timeout(300)
class WebPageChromiumTest {
  static final String STUCK = "52:54:00:12:34:56";
  static final String BOOTED = "52:54:00:aa:bb:cc";
  static final String LOOPING = "52:54:00:00:00:07";
  static final Path SHOTS = Path.of("target", "web-screenshots");

  @TempDir Path stateDir;
  EventLog log;
  AdminServer admin;
  final AdminServerTest.MovableClock clock = new AdminServerTest.MovableClock(Instant.now().minus(Duration.ofHours(1)));
  long lastId;

  @BeforeEach
  void start() throws Exception {
    log = EventLog.open(stateDir, clock, EventLog.Options.defaults());
    admin = new AdminServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), log,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    AssignmentStore store = AssignmentStore.open(stateDir);
    store.put(MacAddress.parse(BOOTED).orElseThrow(), new Assignment.ChainUrl("http://images/booted.ipxe"));
    admin.assignments(store, Optional.empty());
    admin.start();
    // An hour ago STUCK reached iPXE-over-TFTP and was never heard of again: highlighted as stuck.
    record(STUCK, "2001:db8::1", "firmware_init", Map.of("arch", 7));
    record(STUCK, "2001:db8::1", "point_pxe_to_ipxe_over_tftp", Map.of("arch", 7));
    clock.advance(Duration.ofHours(1));
    // Just now: BOOTED went all the way; LOOPING keeps getting pointed at iPXE (a boot loop: repeats).
    record(BOOTED, "192.0.2.20", "firmware_init", Map.of("arch", 0));
    record(BOOTED, "192.0.2.20", "point_ipxe_to_http_boot", Map.of());
    record(BOOTED, "192.0.2.20", "os_init", Map.of());
    record(LOOPING, null, "firmware_init", Map.of("arch", 7));
    for (int i = 0; i < 3; i++) {
      record(LOOPING, null, "point_pxe_to_ipxe_over_tftp", Map.of("arch", 7));
    }
    assertThat(log.awaitJournaled(lastId, Duration.ofSeconds(30))).isTrue();
  }

  void record(String mac, String ip, String name, Map<String, ?> detail) {
    BootEvent e = log.record(mac, ip, name, detail, "dhcp6@lo");
    lastId = e.id();
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
    log.close();
  }

  @Test
  void machinesTableIsRenderedFromTheLiveStream() throws Exception {
    String url = "http://127.0.0.1:" + admin.ports().getFirst() + "/";
    String served = new String(java.net.URI.create(url).toURL().openStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(served).doesNotContain(STUCK).doesNotContain(BOOTED); // so whatever the DOM shows, the JS rendered

    String dom;
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      dom = chromium.load(url, "document.body.dataset.snapshot");
      chromium.screenshot(SHOTS.resolve("machines.png"));
    }
    assertThat(rows(dom, "machine")).extracting(Row::mac).containsExactlyInAnyOrder(STUCK, BOOTED, LOOPING);
    Row stuck = row(dom, STUCK);
    assertThat(stuck.attr("data-stage")).isEqualTo("point_pxe_to_ipxe_over_tftp");
    assertThat(stuck.classes()).contains("stuck");
    assertThat(stuck.text()).contains("2001:db8::1").contains("x64 UEFI").contains("1h 0m");
    Row booted = row(dom, BOOTED);
    assertThat(booted.attr("data-stage")).isEqualTo("os_init");
    assertThat(booted.classes()).doesNotContain("stuck");
    assertThat(booted.text()).contains("192.0.2.20").contains("x86 BIOS").contains("chain http://images/booted.ipxe");
    assertThat(row(dom, LOOPING).attr("data-stage")).isEqualTo("point_pxe_to_ipxe_over_tftp");
    assertThat(dom).containsPattern("<div id=\"status\" class=\"live\">live</div>");
  }

  @Test
  void aStepRecordedWhileThePageIsOpenAppearsWithoutAReload() throws Exception {
    String fresh = "52:54:00:fe:ed:01";
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.load("http://127.0.0.1:" + admin.ports().getFirst() + "/", "document.body.dataset.snapshot");
      assertThat(rows(chromium.dom(), "machine")).extracting(Row::mac).doesNotContain(fresh);
      record(fresh, "2001:db8::99", "http_boot", Map.of("arch", 16));
      record(BOOTED, null, "firmware_init", Map.of("arch", 0)); // BOOTED reboots: its stage goes back
      String dom = chromium.waitFor("document.querySelector('tr[data-mac=\"" + fresh + "\"]')"
          + " && document.querySelector('tr[data-mac=\"" + BOOTED + "\"]').dataset.stage === 'firmware_init'");
      Row row = row(dom, fresh);
      assertThat(row.attr("data-stage")).isEqualTo("http_boot");
      assertThat(row.text()).contains("2001:db8::99").contains("x64 UEFI HTTP");
      chromium.screenshot(SHOTS.resolve("live.png"));
    }
  }

  @Test
  void perMachineTimelineShowsEveryStepWithRepeats() throws Exception {
    String dom;
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      dom = chromium.load("http://127.0.0.1:" + admin.ports().getFirst() + "/#mac=" + LOOPING,
          "document.body.dataset.snapshot && document.getElementById('timeline').dataset.loaded");
      chromium.screenshot(SHOTS.resolve("timeline.png"));
    }
    assertThat(dom).contains("<section id=\"timeline\" data-loaded=\"" + LOOPING + "\">"); // no longer hidden
    assertThat(dom).containsPattern("<span id=\"timeline-mac\" class=\"mono\">" + LOOPING + "</span>");
    assertThat(rows(dom, "event")).extracting(r -> r.attr("data-event"))
        .containsExactly("firmware_init", "point_pxe_to_ipxe_over_tftp", "point_pxe_to_ipxe_over_tftp", "point_pxe_to_ipxe_over_tftp");
    assertThat(rows(dom, "event")).extracting(r -> r.text().contains("repeat")).containsExactly(false, false, true, true);
    assertThat(dom).contains("Assignment: none (default policy)");
  }

  @Test
  void aMachineIsHighlightedOnceItOutstaysTheThresholdInOneStage() throws Exception {
    String looping = "document.querySelector('tr[data-mac=\"" + LOOPING + "\"]')";
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.load("http://127.0.0.1:" + admin.ports().getFirst() + "/?stuck=10", "document.body.dataset.snapshot");
      // LOOPING moves on to a new stage now: fresh, so not highlighted ...
      clock.advance(Duration.between(clock.instant(), Instant.now()));
      record(LOOPING, null, "serve_ipxe_over_tftp", Map.of());
      chromium.waitFor(looping + ".dataset.stage === 'serve_ipxe_over_tftp'");
      assertThat(row(chromium.dom(), LOOPING).classes()).doesNotContain("stuck");
      // ... until it has been there longer than ?stuck=10 seconds, with no new event and no reload
      String dom = chromium.waitFor(looping + ".classList.contains('stuck')");
      chromium.screenshot(SHOTS.resolve("stuck.png"));
      Row row = row(dom, LOOPING);
      assertThat(row.attr("title")).isEqualTo("in serve_ipxe_over_tftp for longer than 10 s");
      assertThat(row(dom, BOOTED).classes()).as("a booted OS is done, not stuck").doesNotContain("stuck");
      assertThat(row(dom, STUCK).classes()).contains("stuck");
    }
  }

  /** One rendered {@code <tr>}: its attributes and its text with tags stripped. */
  record Row(Map<String, String> attrs, String text) {
    String attr(String name) {
      return attrs.getOrDefault(name, "");
    }

    String mac() {
      return attr("data-mac");
    }

    List<String> classes() {
      return List.of(attr("class").split(" "));
    }
  }

  private static final Pattern TR = Pattern.compile("<tr ([^>]*)>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern ATTR = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");

  /** The rendered rows whose class list has {@code cls}, in document order. */
  static List<Row> rows(String dom, String cls) {
    List<Row> out = new ArrayList<>();
    Matcher m = TR.matcher(dom);
    while (m.find()) {
      Map<String, String> attrs = new java.util.LinkedHashMap<>();
      Matcher a = ATTR.matcher(m.group(1));
      while (a.find()) {
        attrs.put(a.group(1), a.group(2));
      }
      Row r = new Row(attrs, m.group(2).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip());
      if (r.classes().contains(cls)) {
        out.add(r);
      }
    }
    return out;
  }

  static Row row(String dom, String mac) {
    return rows(dom, "machine").stream().filter(r -> r.mac().equals(mac)).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + mac + " in the rendered page:\n" + dom));
  }

}
