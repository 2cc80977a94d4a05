package org.weverywhere.config;

import java.util.ArrayList;
import java.util.List;
import org.weverywhere.ErrorCode;

/**
 * The problems found so far while loading. Bounded: past {@link #MAX} a file of garbage would only
 * bury the first, useful messages, so loading stops with a last line saying so.
 */
final class Problems {
  static final int MAX = 100;
  private final List<ConfigProblem> list = new ArrayList<>();

  void add(ConfigProblem problem) {
    if (list.size() < MAX) {
      list.add(problem);
    } else if (list.size() == MAX) {
      list.add(
          new ConfigProblem(
              problem.origin(), ErrorCode.CONFIG_SYNTAX, "too many errors, stopped here"));
    }
  }

  void add(Origin origin, ErrorCode code, String message) {
    add(new ConfigProblem(origin, code, message));
  }

  boolean full() {
    return list.size() > MAX;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<ConfigProblem> list() {
    return List.copyOf(list);
  }
}
