package org.weverywhere.config;

import org.weverywhere.ErrorCode;

/**
 * A text does not parse as the value type it must be, e.g. {@code expected a size like 512MiB, got
 * '12Q'}. It knows no file or line: the loader adds those when it reports it.
 */
public final class InvalidValueException extends ConfigException {
  private static final long serialVersionUID = 1L;

  public InvalidValueException(String message) {
    super(ErrorCode.CONFIG_BAD_VALUE, message);
  }

  /** The message for a text that does not look like {@code example} at all. */
  static InvalidValueException expected(String what, String text) {
    return new InvalidValueException("expected " + what + ", got '" + ValueText.quote(text) + "'");
  }
}
