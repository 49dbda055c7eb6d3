package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bootline.boot.Assignment;
import dev.bootline.config.BootlineConfig;
import dev.bootline.events.BootEvent;
import dev.bootline.events.EventLog;
import dev.bootline.wire.MacAddress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** PUT/DELETE/GET of per-machine assignments on the admin plane: auth, validation, persistence, journal. */
@Timeout(120)
class AssignmentApiTest {
  static final String MAC = "52:54:00:12:34:56";
  static final String TOKEN = "s3cret-token";

  @TempDir Path stateDir;
  EventLog log;
  AdminServer admin;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  void start(Optional<String> token) throws Exception {
    log = EventLog.open(stateDir);
    admin = new AdminServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), log,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    admin.assignments(AssignmentStore.open(stateDir), token);
    admin.start();
  }

  void restart() throws Exception {
    stop();
    start(Optional.of(TOKEN));
  }

  @AfterEach
  void stop() throws Exception {
    if (admin != null) {
      admin.close();
      log.close();
      admin = null;
    }
  }

  HttpResponse<String> put(String mac, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/machines/" + mac)).PUT(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> delete(String mac, String token) throws Exception {
    return client.send(HttpRequest.newBuilder(uri("/api/machines/" + mac)).DELETE()
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + admin.ports().getFirst() + path);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return EventJson.MAPPER.readTree(r.body());
  }

  @Test
  void putShowsPersistsAndSurvivesARestart() throws Exception {
    start(Optional.of(TOKEN));
    String kernel = "{\"boot\":\"kernel\",\"kernel\":\"http://h/vmlinuz\",\"initrd\":\"http://h/initrd\",\"cmdline\":\"console=ttyS0\"}";
    HttpResponse<String> r = put("52-54-00-12-34-56", kernel, TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("mac").asText()).isEqualTo(MAC);
    assertThat(json(r).get("assignment").get("kernel").asText()).isEqualTo("http://h/vmlinuz");

    JsonNode shown = json(get("/api/machines/" + MAC)).get("assignment");
    assertThat(shown.get("boot").asText()).isEqualTo("kernel");
    assertThat(shown.get("cmdline").asText()).isEqualTo("console=ttyS0");
    assertThat(json(get("/api/machines")).get(0).get("assignment").get("boot").asText()).isEqualTo("kernel");
    assertThat(Files.readString(stateDir.resolve("assignments.json"))).contains(MAC).contains("vmlinuz");
    assertThat(stateDir.resolve("assignments.json.tmp")).doesNotExist();

    restart();
    assertThat(json(get("/api/machines/" + MAC)).get("assignment").get("initrd").asText()).isEqualTo("http://h/initrd");
    assertThat(AssignmentStore.open(stateDir).forMac(MacAddress.parse(MAC).orElseThrow()))
        .contains(new Assignment.Kernel("http://h/vmlinuz", Optional.of("http://h/initrd"), "console=ttyS0"));
  }

  @Test
  void everyShapeIsAccepted() throws Exception {
    start(Optional.of(TOKEN));
    for (String body : List.of("{\"boot\":\"local\"}", "{\"boot\":\"ignore\"}", "{\"boot\":\"chain\",\"url\":\"https://x/y\"}",
        "{\"boot\":\"script\",\"script\":\"#!ipxe\\nshell\\n\"}", "{\"boot\":\"menu-item\",\"item\":2}",
        "{\"boot\":\"kernel\",\"kernel\":\"http://h/k\"}")) {
      HttpResponse<String> r = put(MAC, body, TOKEN);
      assertThat(r.statusCode()).as(body).isEqualTo(200);
      JsonNode sent = EventJson.MAPPER.readTree(body);
      JsonNode shown = json(get("/api/machines/" + MAC)).get("assignment");
      assertThat(shown).isEqualTo(json(r).get("assignment"));
      sent.fields().forEachRemaining(f -> assertThat(shown.get(f.getKey())).as(body).isEqualTo(f.getValue()));
    }
  }

  @Test
  void badBodiesAre400AndChangeNothing() throws Exception {
    start(Optional.of(TOKEN));
    for (String body : List.of("", "not json", "{\"boot\":\"teleport\"}", "{\"boot\":\"chain\",\"url\":\"ftp://x\"}",
        "{\"boot\":\"script\",\"script\":\"echo no shebang\"}",
        "{\"boot\":\"kernel\",\"kernel\":\"http://h/k\",\"cmdline\":\"a\\nchain http://evil\"}",
        "{\"boot\":\"menu-item\",\"item\":-1}", "[]")) {
      HttpResponse<String> r = put(MAC, body, TOKEN);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(json(r).get("error").asText()).isNotEmpty();
    }
    assertThat(get("/api/machines/" + MAC).statusCode()).isEqualTo(404);
    assertThat(put("not-a-mac", "{\"boot\":\"local\"}", TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void wrongOrMissingTokenIs401() throws Exception {
    start(Optional.of(TOKEN));
    HttpResponse<String> wrong = put(MAC, "{\"boot\":\"local\"}", "guess");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(put(MAC, "{\"boot\":\"local\"}", null).statusCode()).isEqualTo(401);
    assertThat(delete(MAC, "guess").statusCode()).isEqualTo(401);
    assertThat(get("/api/machines/" + MAC).statusCode()).isEqualTo(404);
  }

  @Test
  void withoutAConfiguredTokenChangesAreOffAndSaySo() throws Exception {
    start(Optional.empty());
    HttpResponse<String> r = put(MAC, "{\"boot\":\"local\"}", "anything");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).get("error").asText()).contains("http.admin-token-file");
    assertThat(delete(MAC, "anything").statusCode()).isEqualTo(403);
    assertThat(get("/api/machines").statusCode()).isEqualTo(200); // reads stay open
  }

  @Test
  void deleteRemovesAndBothChangesAreJournaled() throws Exception {
    start(Optional.of(TOKEN));
    assertThat(put(MAC, "{\"boot\":\"chain\",\"url\":\"http://x/boot.ipxe\"}", TOKEN).statusCode()).isEqualTo(200);
    HttpResponse<String> d = delete(MAC, TOKEN);
    assertThat(d.statusCode()).isEqualTo(200);
    assertThat(json(d).get("removed").get("url").asText()).isEqualTo("http://x/boot.ipxe");
    assertThat(delete(MAC, TOKEN).statusCode()).isEqualTo(404);
    assertThat(log.awaitJournaled(log.lastId(), Duration.ofSeconds(30))).isTrue();

    JsonNode m = json(get("/api/machines/" + MAC));
    assertThat(m.get("assignment").isNull()).isTrue();
    List<String> names = log.timeline(MAC).stream().map(BootEvent::name).toList();
    assertThat(names).containsExactly("assignment_set", "assignment_cleared");
    assertThat(log.timeline(MAC).getFirst().detail()).containsEntry("boot", "chain").containsEntry("url", "http://x/boot.ipxe");
    restart();
    assertThat(AssignmentStore.open(stateDir).all()).isEmpty();
  }

  @Test
  void tokenFileIsReadStripped() throws Exception {
    Path f = stateDir.resolve("token");
    Files.writeString(f, "  abc\n");
    assertThat(AdminServer.readToken(Optional.of(f))).contains("abc");
    assertThat(AdminServer.readToken(Optional.empty())).isEmpty();
    Files.writeString(f, "\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminServer.readToken(Optional.of(f)))
        .hasMessageContaining("empty");
  }
}
