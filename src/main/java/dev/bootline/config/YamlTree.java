package dev.bootline.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bootline.config.ConfigNode.ListNode;
import dev.bootline.config.ConfigNode.MapNode;
import dev.bootline.config.ConfigNode.Origin;
import dev.bootline.config.ConfigNode.ScalarNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Parses YAML text into {@link ConfigNode}s that keep line and column of every key and value. */
public final class YamlTree {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final int MAX_DEPTH = 32;

  private YamlTree() {}

  /** An empty document gives an empty mapping. */
  public static MapNode parse(String text, String sourceName) throws ConfigException {
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new MapNode(new Origin(sourceName, 1, 1), new LinkedHashMap<>());
      }
      ConfigNode root = read(p, sourceName, 0);
      if (p.nextToken() != null) {
        throw problem(sourceName, p.currentTokenLocation(), "more than one YAML document; bootline reads one");
      }
      if (!(root instanceof MapNode map)) {
        throw new ConfigException(
            new ConfigProblem(root.origin(), "", null, "the top level must be a mapping of keys, found " + root.kind()));
      }
      return map;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String msg = e.getOriginalMessage();
      String hint =
          msg != null && msg.contains("mapping values are not allowed")
              ? " (put values that contain ': ' or end in ':' in quotes, e.g. IPv6 addresses: \"2001:db8::\")"
              : "";
      throw problem(sourceName, loc, "not valid YAML: " + firstLine(msg) + hint);
    } catch (IOException e) {
      throw new ConfigException(new ConfigProblem(new Origin(sourceName, 0, 0), "", null, e.toString()));
    }
  }

  private static ConfigNode read(JsonParser p, String src, int depth) throws IOException, ConfigException {
    Origin here = origin(src, p.currentTokenLocation());
    if (depth > MAX_DEPTH) {
      throw new ConfigException(new ConfigProblem(here, "", null, "nested deeper than " + MAX_DEPTH + " levels"));
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        LinkedHashMap<String, MapNode.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Origin keyOrigin = origin(src, p.currentTokenLocation());
          p.nextToken();
          ConfigNode value = read(p, src, depth + 1);
          if (entries.containsKey(key)) {
            throw new ConfigException(
                new ConfigProblem(
                    keyOrigin, key, null, "duplicate key (first given at " + entries.get(key).keyOrigin() + ")"));
          }
          entries.put(key, new MapNode.Entry(keyOrigin, value));
        }
        return new MapNode(here, entries);
      }
      case START_ARRAY -> {
        List<ConfigNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p, src, depth + 1));
        }
        return new ListNode(here, items);
      }
      case VALUE_NULL -> {
        return new ScalarNode(here, null);
      }
      default -> {
        String text = p.getText();
        return new ScalarNode(here, text);
      }
    }
  }

  private static Origin origin(String src, JsonLocation loc) {
    return loc == null ? new Origin(src, 0, 0) : new Origin(src, loc.getLineNr(), loc.getColumnNr());
  }

  private static ConfigException problem(String src, JsonLocation loc, String msg) {
    return new ConfigException(new ConfigProblem(origin(src, loc), "", null, msg));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
