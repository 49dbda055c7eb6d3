package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import dev.bootline.wire.MacAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /mac/<mac>/boot.ipxe on the boot plane (loopback) reflects the machine's assignment, else the netboot file. */
class BootScriptRouteTest {
  static final MacAddress A = MacAddress.parse("52:54:00:12:34:56").orElseThrow();
  static final MacAddress B = MacAddress.parse("52:54:00:aa:bb:cc").orElseThrow();

  @TempDir Path dir;
  AssignmentStore store;
  BootHttpServer server;
  final HttpClient client = HttpClient.newHttpClient();
  final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path netboot = dir.resolve("netboot");
    Files.createDirectories(netboot.resolve(A.toString()));
    Files.writeString(netboot.resolve(A + "/boot.ipxe"), "#!ipxe\necho from the netboot dir\n");
    store = AssignmentStore.open(dir);
    server = new BootHttpServer(List.of(new BootlineConfig.ListenAddress("127.0.0.1", 0)), Optional.of(netboot),
        new IpxeCatalog(Map.of(BootlineConfig.IpxeTarget.X86_64_EFI, dir.resolve("ipxe.efi"))), (mac, remote, path, sent, total, state) -> {});
    server.addRoute(new BootScriptRoute(store, (mac, ip, name, detail, s) -> {
      events.add(mac + " " + name + " " + detail.get("source"));
      return null;
    }));
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  HttpResponse<String> bootIpxe(MacAddress mac) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.ports().getFirst() + "/mac/" + mac.toHex() + "/boot.ipxe")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachAssignmentRendersItsScript() throws Exception {
    store.put(A, new Assignment.Script("#!ipxe\necho assigned\n"));
    assertThat(bootIpxe(A).body()).isEqualTo("#!ipxe\necho assigned\n");
    store.put(A, new Assignment.Kernel("http://h/vmlinuz", Optional.of("http://h/initrd"), "console=ttyS0"));
    assertThat(bootIpxe(A).body()).isEqualTo("#!ipxe\nkernel http://h/vmlinuz console=ttyS0\ninitrd http://h/initrd\nboot\n");
    store.put(A, new Assignment.ChainUrl("http://other/x.ipxe"));
    assertThat(bootIpxe(A).body()).isEqualTo("#!ipxe\nchain http://other/x.ipxe\n");
    store.put(A, new Assignment.Local());
    HttpResponse<String> local = bootIpxe(A);
    assertThat(local.statusCode()).isEqualTo(200);
    assertThat(local.body()).isEqualTo("#!ipxe\nexit\n");
    assertThat(local.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(events).contains("52:54:00:12:34:56 http_fetch assignment");
  }

  @Test
  void withoutAScriptAssignmentTheNetbootFileIsServedOr404() throws Exception {
    assertThat(bootIpxe(A).body()).isEqualTo("#!ipxe\necho from the netboot dir\n");
    store.put(A, new Assignment.MenuItem(0));
    assertThat(bootIpxe(A).body()).isEqualTo("#!ipxe\necho from the netboot dir\n");
    assertThat(bootIpxe(B).statusCode()).isEqualTo(404);
    store.put(A, new Assignment.Local());
    store.remove(A);
    assertThat(bootIpxe(A).body()).isEqualTo("#!ipxe\necho from the netboot dir\n");
    assertThat(events).isEmpty();
  }
}
