package dev.bootline.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it came from, so every config error can name the file, line, column and
 * key path. Flags that override the file produce nodes whose origin is the flag.
 */
public sealed interface ConfigNode {

  /** Where a value was written: a file position or a command-line flag. */
  record Origin(String source, int line, int column) {
    public static Origin flag(String flag) {
      return new Origin("flag " + flag, 0, 0);
    }

    @Override
    public String toString() {
      return line > 0 ? source + ":" + line + ":" + column : source;
    }
  }

  Origin origin();

  /** Human name of the node's kind, for "expected a list, found a string" messages. */
  String kind();

  record MapNode(Origin origin, LinkedHashMap<String, Entry> entries) implements ConfigNode {
    /** A key with its own position (errors about the key itself point here) and its value. */
    public record Entry(Origin keyOrigin, ConfigNode value) {}

    @Override
    public String kind() {
      return "a mapping";
    }

    public Map<String, Entry> asMap() {
      return entries;
    }
  }

  record ListNode(Origin origin, List<ConfigNode> items) implements ConfigNode {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar; {@code text} is null for YAML null / empty values. */
  record ScalarNode(Origin origin, String text) implements ConfigNode {
    @Override
    public String kind() {
      return text == null ? "an empty value" : "a single value";
    }
  }
}
