package dev.bootline.dhcp6;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * An SSE client that behaves like a browser's EventSource, for {@link SseResumeAfterKillLabIT}: reads {@code url},
 * and whenever the stream ends or the server is gone, reconnects (every 200 ms) with {@code Last-Event-ID} set to the
 * last id it saw. One stdout line per thing it does: {@code CONNECT <last id or ->}, {@code OPEN <status>}, {@code
 * SNAPSHOT <id>}, {@code EVENT <id> <name> <mac> <epoch ms received>}, {@code LOST <why>}. Runs until killed.
 */
public final class SseResumeClientMain {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    ObjectMapper json = new ObjectMapper();
    long lastId = -1;
    while (true) {
      say("CONNECT " + (lastId < 0 ? "-" : Long.toString(lastId)));
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        if (lastId >= 0) {
          c.setRequestProperty("Last-Event-ID", Long.toString(lastId));
        }
        say("OPEN " + c.getResponseCode());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
          String id = null;
          StringBuilder data = new StringBuilder();
          while (true) {
            String line = in.readLine();
            if (line == null) {
              say("LOST end of stream");
              break;
            }
            if (line.startsWith("id: ")) {
              id = line.substring(4);
            } else if (line.startsWith("data: ")) {
              data.append(line.substring(6));
            } else if (line.isEmpty()) {
              if (data.length() > 0) {
                JsonNode node = json.readTree(data.toString());
                if (node.has("mac") && node.has("event") && node.get("event").isObject()) {
                  say("EVENT " + id + " " + node.get("event").get("event").asText() + " " + node.get("mac").asText()
                      + " " + System.currentTimeMillis());
                } else {
                  say("SNAPSHOT " + id);
                }
                lastId = Long.parseLong(id);
              }
              id = null;
              data.setLength(0);
            }
          }
        }
      } catch (java.io.IOException e) {
        say("LOST " + e);
      }
      Thread.sleep(200);
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
