package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a server-sent event stream the way a client does: line by line, one message per blank line. Over Java's
 * HttpClient (HTTP/1.1, chunked, like a browser or curl) or over a raw socket (HTTP/1.0, for stalling on purpose).
 */
final class SseClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One message: its comment lines, and its id/data/retry fields (null when absent). */
  record Message(List<String> comments, String id, String data, String retry) {
    long idNumber() {
      return Long.parseLong(id);
    }

    JsonNode json() throws IOException {
      return JSON.readTree(data);
    }
  }

  final int status;
  final String contentType;
  final int localPort;
  private final BufferedReader reader;
  private final AutoCloseable closer;

  private SseClient(int status, String contentType, int localPort, InputStream body, AutoCloseable closer) {
    this.status = status;
    this.contentType = contentType;
    this.localPort = localPort;
    this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    this.closer = closer;
  }

  /** GET over HttpClient; {@code headers} are name, value pairs. */
  static SseClient http(HttpClient client, String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    return new SseClient(r.statusCode(), r.headers().firstValue("content-type").orElse(null), -1, r.body(),
        r.body());
  }

  /** GET over a raw socket, configured by {@code socketSetup} before it connects; reads the response head only. */
  static SseClient raw(int port, String pathAndQuery, Consumer<Socket> socketSetup, String... headers)
      throws IOException {
    Socket s = new Socket();
    socketSetup.accept(s);
    s.setSoTimeout(60_000); // a hung server fails the test instead of hanging it
    s.connect(new InetSocketAddress("127.0.0.1", port));
    StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.0\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    req.append("\r\n");
    OutputStream out = s.getOutputStream();
    out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    String statusLine = headLine(in);
    String contentType = null;
    for (String h = headLine(in); !h.isEmpty(); h = headLine(in)) {
      if (h.toLowerCase().startsWith("content-type:")) {
        contentType = h.substring("content-type:".length()).strip();
      }
    }
    return new SseClient(Integer.parseInt(statusLine.split(" ")[1]), contentType, s.getLocalPort(), in, s);
  }

  /** One line of the response head, read byte by byte so nothing of the body is consumed. */
  private static String headLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed in the response head");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** The next message, or null at the end of the stream. */
  Message next() throws IOException {
    List<String> comments = new ArrayList<>();
    String id = null;
    String retry = null;
    StringBuilder data = null;
    boolean any = false;
    for (String line = reader.readLine(); ; line = reader.readLine()) {
      if (line == null) {
        return null; // as EventSource does, an unterminated last message is dropped
      }
      if (line.isEmpty()) {
        if (any) {
          return new Message(comments, id, data == null ? null : data.toString(), retry);
        }
        continue;
      }
      any = true;
      if (line.startsWith(":")) {
        comments.add(line.substring(1).strip());
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value;
        case "retry" -> retry = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> throw new AssertionError("unexpected SSE field: " + line);
      }
    }
  }

  /** The next message that carries data (skipping heartbeats); fails at the end of the stream. */
  Message nextData() throws IOException {
    for (Message m = next(); ; m = next()) {
      assertThat(m).as("end of stream while waiting for data").isNotNull();
      if (m.data() != null) {
        return m;
      }
    }
  }

  /** The opening {@code retry:} message, then the snapshot. */
  Message snapshot() throws IOException {
    Message first = next();
    assertThat(first).isNotNull();
    assertThat(first.retry()).isEqualTo("3000");
    assertThat(first.data()).isNull();
    Message snap = nextData();
    assertThat(snap.id()).as("the snapshot carries the id it is consistent with").isNotNull();
    return snap;
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
