package org.weverywhere.config;

import java.util.Objects;
import org.weverywhere.ErrorCode;

/**
 * One thing wrong in the configuration, with where it is: printed as {@code FILE:LINE: message}.
 */
public record ConfigProblem(Origin origin, ErrorCode code, String message) {
  public ConfigProblem {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return origin + ": " + message;
  }
}
