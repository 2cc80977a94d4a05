package org.weverywhere.config;

import java.util.List;

/**
 * The configuration files hold one or more errors. All of them are collected, in file and line
 * order, so that a host owner fixes everything in one round; the message is the first of them.
 */
public final class InvalidConfigException extends ConfigException {
  private static final long serialVersionUID = 1L;
  private final transient List<ConfigProblem> problems;

  public InvalidConfigException(List<ConfigProblem> problems) {
    super(first(problems).code(), summary(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, at least one. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static ConfigProblem first(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid configuration has at least one problem");
    }
    return problems.get(0);
  }

  private static String summary(List<ConfigProblem> problems) {
    String first = first(problems).toString();
    int more = problems.size() - 1;
    return more == 0
        ? first
        : first + " (and " + more + " more error" + (more == 1 ? "" : "s") + ")";
  }
}
