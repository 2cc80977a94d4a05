package org.weverywhere.control;

import java.util.Map;
import org.weverywhere.ErrorCode;

/**
 * A control message's arguments, read with the checks every action needs and one clear error each.
 */
record ControlArguments(Map<String, String> values) {
  ControlArguments {
    values = Map.copyOf(values);
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      throw bad("missing argument '" + name + "'");
    }
    return value;
  }

  /** A whole number in [min, max], or {@code fallback} when the argument is absent. */
  long number(String name, long fallback, long min, long max) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(text.strip());
      if (n < min || n > max) {
        throw bad("'" + name + "' must be between " + min + " and " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad("'" + name + "' must be a whole number, not '" + text + "'");
    }
  }

  static ControlException bad(String message) {
    return new ControlException(ErrorCode.CONTROL_BAD_REQUEST, message);
  }
}
