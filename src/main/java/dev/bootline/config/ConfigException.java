package dev.bootline.config;

import java.util.List;
import java.util.stream.Collectors;

/** Raised at start when the configuration is unusable; lists every problem found, not only the first. */
public final class ConfigException extends Exception {
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(ConfigProblem problem) {
    this(List.of(problem));
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(List<ConfigProblem> problems) {
    String head = problems.size() == 1 ? "invalid configuration:" : problems.size() + " configuration problems:";
    return head
        + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining());
  }
}
