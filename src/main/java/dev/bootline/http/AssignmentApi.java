package dev.bootline.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bootline.boot.Assignment;
import dev.bootline.wire.MacAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code PUT} and {@code DELETE /api/machines/<mac>} on the admin plane: checks the bearer token, changes the {@link
 * AssignmentStore} and journals {@code assignment_set} / {@code assignment_cleared} so the change is in the machine's
 * timeline next to the boots it affects.
 */
final class AssignmentApi {
  static final String SET = "assignment_set";
  static final String CLEARED = "assignment_cleared";
  private static final int MAX_BODY = 256 * 1024; // scripts are small; this bounds what one request can make us hold
  private static final String JSON = "application/json";

  private AssignmentApi() {}

  static boolean change(AdminServer admin, Request request, Response response, Callback callback, String macText)
      throws IOException {
    AssignmentStore store = admin.assignmentStore();
    Optional<String> token = admin.adminToken();
    if (store == null || token.isEmpty()) {
      return AdminServer.error(response, callback, HttpStatus.FORBIDDEN_403,
          "changing assignments is off: configure http.admin-token-file to enable it", null);
    }
    if (!authorised(request, token.get())) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"bootline\"");
      return AdminServer.error(response, callback, HttpStatus.UNAUTHORIZED_401,
          "missing or wrong Authorization: Bearer token", null);
    }
    Optional<MacAddress> mac = MacAddress.parse(macText);
    if (mac.isEmpty()) {
      return AdminServer.error(response, callback, HttpStatus.BAD_REQUEST_400, "not a MAC address", macText);
    }
    String m = mac.get().toString();
    String client = Request.getRemoteAddr(request);
    if (HttpMethod.DELETE.is(request.getMethod())) {
      Optional<Assignment> removed = store.remove(mac.get());
      if (removed.isEmpty()) {
        return AdminServer.error(response, callback, HttpStatus.NOT_FOUND_404, "no assignment for this machine", m);
      }
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("previous", AssignmentJson.toMap(removed.get()));
      detail.put("client", client);
      admin.log().record(m, null, CLEARED, detail, "admin");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("mac", m);
      body.put("assignment", null);
      body.put("removed", AssignmentJson.toMap(removed.get()));
      return json(response, callback, body);
    }
    Assignment a;
    try {
      byte[] raw = readBody(request);
      JsonNode n = EventJson.MAPPER.readTree(raw);
      a = AssignmentJson.parse(n);
    } catch (IllegalArgumentException | IOException bad) {
      return AdminServer.error(response, callback, HttpStatus.BAD_REQUEST_400, bad.getMessage(), m);
    }
    store.put(mac.get(), a);
    Map<String, Object> detail = new LinkedHashMap<>(AssignmentJson.toMap(a));
    detail.put("client", client);
    admin.log().record(m, null, SET, detail, "admin");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("mac", m);
    body.put("assignment", AssignmentJson.toMap(a));
    return json(response, callback, body);
  }

  private static boolean authorised(Request request, String token) {
    String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // Constant-time compare: the admin port may be reachable by machines that would like to guess.
    return MessageDigest.isEqual(
        h.substring(7).strip().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] readBody(Request request) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new IOException("body larger than " + MAX_BODY + " bytes");
      }
      if (b.length == 0) {
        throw new IllegalArgumentException("empty body: expected a JSON object like {\"boot\":\"local\"}");
      }
      return b;
    }
  }

  private static boolean json(Response response, Callback callback, Map<String, Object> body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = EventJson.generator(out)) {
      g.writeObject(body);
    }
    return AdminServer.send(response, callback, HttpStatus.OK_200, JSON, out.toByteArray());
  }
}
