package dev.bootline.boot;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP-boot URL template, in dhcpv6macd's Go-template syntax: {@code {{.MAC}}}, {@code {{.BaseAddress}}}, {@code
 * {{.Payload}}}, plus bootline's own {@code {{.ServerAddress}}} on the client's link (so one template serves IPv4
 * and IPv6 clients). Parsed once at start (unknown fields are a config error); rendering is allocation-light and pure.
 * Values are made URL-safe: Payload is standard base64 (what dhcpv6macd users decode) with {@code + / =}
 * percent-encoded, so any HTTP framework that URL-decodes hands back the same base64 text.
 */
public final class UrlTemplate {
  public static final Set<String> FIELDS = Set.of("MAC", "BaseAddress", "Payload", "ServerAddress");
  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
  private static final Pattern FIELD = Pattern.compile("\\.([A-Za-z][A-Za-z0-9_]*)");

  private sealed interface Part {}

  private record Literal(String text) implements Part {}

  private record Field(String name) implements Part {}

  private final String source;
  private final List<Part> parts;

  private UrlTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = parts;
  }

  /**
   * Values a rendering needs. {@code baseAddress} is the configured base address as written by the user; {@code
   * serverAddress} is bootline's address on the client's link as a URL host (IPv6 in brackets).
   */
  public record Values(String mac, String baseAddress, List<Arch> architectures, String serverAddress) {
    public Values(String mac, String baseAddress, List<Arch> architectures) {
      this(mac, baseAddress, architectures, "");
    }
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException with a message saying what is wrong (unknown field, unclosed action, not http(s))
   */
  public static UrlTemplate parse(String template) {
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException("template is empty");
    }
    List<Part> parts = new ArrayList<>();
    Matcher m = ACTION.matcher(template);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        parts.add(new Literal(template.substring(last, m.start())));
      }
      Matcher f = FIELD.matcher(m.group(1));
      if (!f.matches()) {
        throw new IllegalArgumentException(
            "unsupported template action '" + m.group() + "': only {{.MAC}}, {{.BaseAddress}}, {{.Payload}} and {{.ServerAddress}} exist");
      }
      String name = f.group(1);
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown template field '." + name + "': only .MAC, .BaseAddress, .Payload and .ServerAddress exist");
      }
      parts.add(new Field(name));
      last = m.end();
    }
    String rest = template.substring(last);
    if (rest.contains("{{") || rest.contains("}}")) {
      throw new IllegalArgumentException("unbalanced '{{' or '}}' in template");
    }
    if (!rest.isEmpty()) {
      parts.add(new Literal(rest));
    }
    UrlTemplate t = new UrlTemplate(template, List.copyOf(parts));
    // Render for an IPv4 and an IPv6 client so a template that can never be a URL, or is one only for some server
    // addresses (text glued to {{.ServerAddress}}: "http://{{.ServerAddress}}0/" is 192.0.2.10 for 192.0.2.1 and no
    // host at all for 192.0.2.52), fails at start, not per client.
    // The host depends on {{.ServerAddress}} when two server addresses give two hosts; it must then be exactly that
    // address. A fixed host that merely contains the sample address (http://192.0.2.10/) is fine.
    vetServerHost(t, "192.0.2.1", "198.51.100.77", Arch.X86_64_HTTP);
    vetServerHost(t, "[2001:db8::1]", "[2001:db8:ffff::77]", Arch.X86_64_EFI);
    return t;
  }

  private static void vetServerHost(UrlTemplate t, String server, String otherServer, Arch arch) {
    String host = t.vetHost(new Values("52:54:00:12:34:56", "2001:db8::", List.of(arch), server));
    String otherHost = t.vetHost(new Values("52:54:00:12:34:56", "2001:db8::", List.of(arch), otherServer));
    if (!host.equals(otherHost) && !(host.equals(server) && otherHost.equals(otherServer))) {
      throw new IllegalArgumentException(
          "{{.ServerAddress}} must be the whole host, e.g. http://{{.ServerAddress}}/boot.ipxe (renders as "
              + t.render(new Values("52:54:00:12:34:56", "2001:db8::", List.of(arch), server)) + ")");
    }
  }

  /** Renders {@code sample} and returns the URL's host, or says why it is not an http(s) URL with a host. */
  private String vetHost(Values sample) {
    String url = render(sample);
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        throw new IllegalArgumentException("must be an http:// or https:// URL (renders as " + url + ")");
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("URL has no host (renders as " + url + ")");
      }
      return uri.getHost();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("does not render to a valid URL: " + e.getMessage());
    }
  }

  public String render(Values v) {
    StringBuilder s = new StringBuilder(source.length() + 64);
    for (Part p : parts) {
      switch (p) {
        case Literal l -> s.append(l.text());
        case Field f -> {
          switch (f.name()) {
            case "MAC" -> s.append(v.mac());
            case "BaseAddress" -> s.append(v.baseAddress());
            case "Payload" -> s.append(payload(v.architectures()));
            case "ServerAddress" -> s.append(v.serverAddress());
            default -> throw new IllegalStateException(f.name());
          }
        }
      }
    }
    return s.toString();
  }

  /** Base64 of {@code {"architectures":[...]}}, percent-encoded where base64 is not URL-safe. */
  static String payload(List<Arch> archs) {
    StringBuilder json = new StringBuilder("{\"architectures\":[");
    for (int i = 0; i < archs.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append('"').append(archs.get(i).name().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    json.append("]}");
    String b64 = Base64.getEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    return b64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
  }

  public boolean uses(String field) {
    return parts.stream().anyMatch(p -> p instanceof Field f && f.name().equals(field));
  }

  @Override
  public String toString() {
    return source;
  }
}
