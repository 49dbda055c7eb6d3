package dev.bootline.config;

import dev.bootline.config.ConfigNode.Origin;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Jazzer target: any YAML text either loads into a configuration or fails with a {@link ConfigException} whose every
 * problem names this file (with line:col) or a key path and says what is wrong; never any other exception (a config
 * typo must never end in a stack trace). Path checks only stat files; nothing is written.
 */
public class ConfigYamlFuzzTarget {
  private static final String SOURCE = "fuzz.yaml";

  public static void fuzzerTestOneInput(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    BootlineConfig c;
    try {
      c = ConfigLoader.fromYaml(text, SOURCE, List.of());
    } catch (ConfigException e) {
      checkProblems(e);
      return;
    }
    c.toString();
    c.boot().httpBootUrlTemplate().ifPresent(Object::toString);
  }

  private static void checkProblems(ConfigException e) {
    if (e.problems().isEmpty()) {
      throw new IllegalStateException("ConfigException without a problem", e);
    }
    for (ConfigProblem p : e.problems()) {
      Origin o = p.origin();
      if (!SOURCE.equals(o.source())) {
        throw new IllegalStateException("problem does not name the file: " + p, e);
      }
      boolean located = o.line() > 0 && o.column() > 0;
      boolean keyed = p.key() != null && !p.key().isEmpty();
      if (!located && !keyed) {
        throw new IllegalStateException("problem names neither line:col nor key: " + p, e);
      }
      if (p.message() == null || p.message().isBlank()) {
        throw new IllegalStateException("problem without a message: " + p, e);
      }
      p.toString();
    }
  }
}
