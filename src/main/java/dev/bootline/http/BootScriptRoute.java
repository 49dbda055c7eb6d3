package dev.bootline.http;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPolicy;
import dev.bootline.events.EventNames;
import dev.bootline.events.EventSink;
import dev.bootline.wire.MacAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;

/**
 * {@code GET /mac/<mac>/boot.ipxe} on the boot plane for a machine with an assignment that implies a script (local,
 * script, kernel, chain; see {@link BootPolicy#ipxeScript}): answers with that script. Any other request, or a
 * machine without such an assignment, falls through to the netboot directory as before (404 if no file).
 */
public final class BootScriptRoute implements BootHttpServer.Route {
  private static final String NAME = "boot.ipxe";

  private final Assignment.Source assignments;
  private final EventSink events;

  public BootScriptRoute(Assignment.Source assignments, EventSink events) {
    this.assignments = assignments;
    this.events = events;
  }

  /** Only {@code boot.ipxe} (after percent-decoding, as {@link #handle} sees it). */
  @Override
  public boolean mayHandle(Request request) {
    try {
      return URIUtil.decodePath(request.getHttpURI().getPath()).endsWith("/" + NAME);
    } catch (IllegalArgumentException badEncoding) {
      return true; // handle() decides, off the selector
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      return false;
    }
    Optional<BootHttpServer.MacRoute> r = BootHttpServer.MacRoute.parse(URIUtil.decodePath(request.getHttpURI().getPath()));
    if (r.isEmpty() || !r.get().area().equals("mac") || !r.get().rest().equals(NAME)) {
      return false;
    }
    MacAddress mac = r.get().mac();
    Optional<String> script = assignments.forMac(mac).flatMap(BootPolicy::ipxeScript);
    if (script.isEmpty()) {
      return false;
    }
    byte[] body = script.get().getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store"); // an assignment can change between boots
    String remote = Request.getRemoteAddr(request);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("file", "mac/" + NAME);
    detail.put("state", "complete");
    detail.put("bytes_total", body.length);
    detail.put("client", remote);
    detail.put("source", "assignment");
    events.record(mac.toString(), remote, EventNames.HTTP_FETCH, detail, "http");
    response.write(true, HttpMethod.HEAD.is(request.getMethod()) ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    return true;
  }
}
