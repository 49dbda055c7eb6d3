package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bootline.config.BootlineConfig;
import dev.bootline.events.BootEvent;
import dev.bootline.events.EventLog;
import dev.bootline.events.EventNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin plane on loopback: health, metrics, the machines API, and /events beside them. */
@Timeout(120)
class AdminServerTest {
  static final String A = "52:54:00:12:34:56";
  static final String B = "52:54:00:aa:bb:cc";

  @TempDir Path stateDir;
  EventLog log;
  PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  AdminServer admin;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    log = EventLog.open(stateDir, clock, EventLog.Options.defaults());
    admin = new AdminServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), log, registry);
    admin.start();
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
    log.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).build());
  }

  HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + admin.ports().getFirst() + path);
  }

  BootEvent record(String mac, String ip, String name) throws Exception {
    BootEvent e = log.record(mac, ip, name, Map.of("arch", "x64 UEFI"), "dhcp6@br0");
    assertThat(log.awaitJournaled(e.id(), Duration.ofSeconds(30))).isTrue();
    clock.advance(Duration.ofSeconds(1));
    return e;
  }

  @Test
  void healthz() throws Exception {
    HttpResponse<String> r = get("/healthz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().strip()).isEqualTo("ok");
  }

  @Test
  void metricsIsPrometheusTextFromTheGivenRegistry() throws Exception {
    registry.counter("bootline.test.pokes").increment(3);
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(r.body()).contains("bootline_test_pokes_total 3.0");
    assertThat(r.body()).contains("bootline_sse_subscribers 0.0");
  }

  @Test
  void machinesListsEachMachineMostRecentlySeenFirst() throws Exception {
    Instant t0 = clock.instant();
    record(A, null, EventNames.FIRMWARE_INIT);
    record(B, null, EventNames.HTTP_BOOT);
    record(A, "2001:db8::5254:12:3456", EventNames.POINT_PXE_TO_IPXE_OVER_TFTP);
    record(A, "2001:db8::5254:12:3456", EventNames.TFTP_FETCH); // not a stage: the stage stays
    Instant last = clock.instant().minusSeconds(1);

    HttpResponse<String> r = get("/api/machines");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode list = SseClient.JSON.readTree(r.body());
    assertThat(list.isArray()).isTrue();
    assertThat(list.findValuesAsText("mac")).containsExactly(A, B);
    JsonNode a = list.get(0);
    assertThat(a.get("ip").asText()).isEqualTo("2001:db8::5254:12:3456");
    assertThat(a.get("stage").asText()).isEqualTo(EventNames.POINT_PXE_TO_IPXE_OVER_TFTP);
    assertThat(a.get("last_event").get("event").asText()).isEqualTo(EventNames.TFTP_FETCH);
    assertThat(a.get("last_event").get("timestamp").asText()).isEqualTo(last.toString());
    assertThat(a.get("first_seen").asText()).isEqualTo(t0.toString());
    assertThat(a.get("last_seen").asText()).isEqualTo(last.toString());
    assertThat(a.get("event_count").asLong()).isEqualTo(3);
    assertThat(a.has("timeline")).isFalse();
    assertThat(list.get(1).get("ip").isNull()).isTrue();
    assertThat(list.get(1).get("event_count").asLong()).isEqualTo(1);
  }

  @Test
  void oneMachineInAnyNotationWithItsTimeline() throws Exception {
    record(A, null, EventNames.FIRMWARE_INIT);
    record(B, null, EventNames.HTTP_BOOT);
    record(A, "2001:db8::5254:12:3456", EventNames.HTTP_BOOT);

    HttpResponse<String> r = get("/api/machines/5254.0012.3456");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode m = SseClient.JSON.readTree(r.body());
    assertThat(m.get("mac").asText()).isEqualTo(A);
    assertThat(m.get("stage").asText()).isEqualTo(EventNames.HTTP_BOOT);
    JsonNode timeline = m.get("timeline");
    assertThat(timeline.findValuesAsText("event")).containsExactly(EventNames.FIRMWARE_INIT, EventNames.HTTP_BOOT);
    assertThat(timeline.get(0).get("id").asLong()).isEqualTo(1);
    assertThat(timeline.get(1).get("id").asLong()).isEqualTo(3);
    assertThat(timeline.get(1).get("detail").get("arch").asText()).isEqualTo("x64 UEFI");
  }

  @Test
  void unknownMachineIs404JsonAndAMalformedMacIs400() throws Exception {
    record(A, null, EventNames.FIRMWARE_INIT);
    HttpResponse<String> unknown = get("/api/machines/02-00-00-00-00-99");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("content-type")).contains("application/json");
    JsonNode body = SseClient.JSON.readTree(unknown.body());
    assertThat(body.get("mac").asText()).isEqualTo("02:00:00:00:00:99");
    assertThat(body.get("error").asText()).isNotBlank();

    HttpResponse<String> bad = get("/api/machines/zz");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(SseClient.JSON.readTree(bad.body()).get("error").asText()).isNotBlank();
  }

  @Test
  void neverRedirectsAndIsReadOnly() throws Exception {
    assertThat(get("/api/machines/").statusCode()).isEqualTo(400);
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(get("/api").statusCode()).isEqualTo(404);
    HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/api/machines"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void eventsStreamOnTheAdminPlaneIsCountedInMetrics() throws Exception {
    record(A, null, EventNames.FIRMWARE_INIT);
    try (SseClient sse = SseClient.http(client, uri("/events?mac=" + A).toString())) {
      assertThat(sse.snapshot().json().get("Mac").asText()).isEqualTo(A);
      assertThat(get("/metrics").body()).contains("bootline_sse_subscribers 1.0");
    }
  }

  /** A clock the test moves by hand, so timestamps in the API are known exactly. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
