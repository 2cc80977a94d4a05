package org.weverywhere;

import java.util.Objects;

/**
 * Root of every failure WEverywhere reports on purpose. Each area has its own subclasses; the
 * message is one line that names the cause (and file and position where there is one).
 */
public class WeverywhereException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public WeverywhereException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public WeverywhereException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }
}
