package dev.bootline.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The operator page ({@code web/index.html} in the jar): one self-contained file, no CDN, no build step. */
final class WebPage {
  private static final byte[] INDEX = load("/web/index.html");

  private WebPage() {}

  static boolean serve(Response response, Callback callback) {
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'");
    return AdminServer.send(response, callback, HttpStatus.OK_200, "text/html; charset=utf-8", INDEX);
  }

  private static byte[] load(String resource) {
    try (InputStream in = WebPage.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
