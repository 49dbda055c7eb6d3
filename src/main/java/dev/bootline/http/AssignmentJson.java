package dev.bootline.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bootline.boot.Assignment;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shape of an {@link Assignment}, in the admin API and in {@code <state-dir>/assignments.json}:
 *
 * <pre>{@code {"boot":"local"} | {"boot":"ignore"} | {"boot":"chain","url":"http://…"}
 * | {"boot":"script","script":"#!ipxe …"} | {"boot":"kernel","kernel":URL,"initrd":URL,"cmdline":"…"}
 * | {"boot":"menu-item","item":N}}</pre>
 *
 * Parsing validates what would otherwise break the rendered iPXE script (a newline in a URL or command line would
 * inject script lines), so a bad request is a 400 and never a machine that cannot boot.
 */
final class AssignmentJson {
  private AssignmentJson() {}

  /**
   * @throws IllegalArgumentException with a message for the operator
   */
  static Assignment parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("expected a JSON object like {\"boot\":\"local\"}");
    }
    String boot = text(n, "boot", true);
    return switch (boot) {
      case "local" -> new Assignment.Local();
      case "ignore" -> new Assignment.Ignore();
      case "chain" -> new Assignment.ChainUrl(url(n, "url", true));
      case "script" -> {
        String s = text(n, "script", true);
        if (!s.startsWith("#!ipxe")) {
          throw new IllegalArgumentException("script must start with #!ipxe");
        }
        yield new Assignment.Script(s);
      }
      case "kernel" -> {
        String cmdline = n.has("cmdline") && !n.get("cmdline").isNull() ? text(n, "cmdline", true) : "";
        oneLine("cmdline", cmdline);
        String initrd = n.has("initrd") && !n.get("initrd").isNull() ? url(n, "initrd", true) : null;
        yield new Assignment.Kernel(url(n, "kernel", true), Optional.ofNullable(initrd), cmdline);
      }
      case "menu-item" -> {
        JsonNode item = n.get("item");
        if (item == null || !item.canConvertToInt() || !item.isIntegralNumber() || item.asInt() < 0) {
          throw new IllegalArgumentException("menu-item needs \"item\": the 0-based index of a proxy-dhcp menu item");
        }
        yield new Assignment.MenuItem(item.asInt());
      }
      default ->
          throw new IllegalArgumentException(
              "unknown boot '" + boot + "': one of local, ignore, chain, script, kernel, menu-item");
    };
  }

  /** The JSON object, as an ordered map (also the detail of {@code assignment_set} events). */
  static Map<String, Object> toMap(Assignment a) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (a) {
      case Assignment.Local l -> m.put("boot", "local");
      case Assignment.Ignore i -> m.put("boot", "ignore");
      case Assignment.ChainUrl c -> {
        m.put("boot", "chain");
        m.put("url", c.url());
      }
      case Assignment.Script s -> {
        m.put("boot", "script");
        m.put("script", s.script());
      }
      case Assignment.Kernel k -> {
        m.put("boot", "kernel");
        m.put("kernel", k.kernel());
        m.put("initrd", k.initrd().orElse(null));
        m.put("cmdline", k.cmdline());
      }
      case Assignment.MenuItem mi -> {
        m.put("boot", "menu-item");
        m.put("item", mi.item());
      }
    }
    return m;
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return v.asText();
  }

  private static String url(JsonNode n, String field, boolean required) {
    String u = text(n, field, required);
    oneLine(field, u);
    try {
      URI uri = new URI(u);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null
          || u.contains(" ")) {
        throw new IllegalArgumentException("\"" + field + "\" must be an http:// or https:// URL");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not a URL: " + e.getMessage());
    }
    return u;
  }

  private static void oneLine(String field, String v) {
    if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("\"" + field + "\" must be one line");
    }
  }
}
