package dev.bootline.dhcp4;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.events.EventSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Lab helper run in a child JVM inside the server namespace: {@code ProxyLabMain <config.yaml>}. Runs {@link
 * ProxyDhcpServer} on 67 and 4011 and prints one {@code EVENT <mac> <name> <detail>} line per recorded event, so lab
 * tests can assert what the server decided; {@code ready} once both sockets are open.
 */
public final class ProxyLabMain {
  public static void main(String[] args) throws Exception {
    BootlineConfig config = ConfigLoader.load(Optional.of(Path.of(args[0])), List.of());
    List<String> problems = ProxyDhcpServer.validate(config);
    if (!problems.isEmpty()) {
      System.out.println("INVALID " + problems);
      System.exit(2);
    }
    EventSink events =
        (mac, ip, name, detail, server) -> {
          System.out.println("EVENT " + mac + " " + name + " " + new TreeMap<>(detail));
          return null;
        };
    ProxyDhcpServer server = new ProxyDhcpServer(config, new BootPolicy(config), Assignment.Source.NONE, events);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("ready on " + config.interfaces());
    while (true) {
      Thread.sleep(5000);
      System.out.println("COUNTERS received=" + server.received() + " answered=" + server.answered() + " silent="
          + server.silentByReason() + " malformed=" + server.malformedByReason());
    }
  }
}
