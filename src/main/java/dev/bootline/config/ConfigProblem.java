package dev.bootline.config;

/**
 * One thing wrong with the configuration: where (file:line:col or flag), which key, the offending value, and why.
 */
public record ConfigProblem(ConfigNode.Origin origin, String key, String value, String message) {
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    s.append(origin).append(": ");
    if (key != null && !key.isEmpty()) {
      s.append(key);
      if (value != null) {
        s.append(" = ").append(quote(value));
      }
      s.append(": ");
    }
    return s.append(message).toString();
  }

  private static String quote(String v) {
    return v.length() > 80 ? '"' + v.substring(0, 77) + "...\"" : '"' + v + '"';
  }
}
