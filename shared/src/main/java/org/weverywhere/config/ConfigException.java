package org.weverywhere.config;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * Root of every configuration failure: a value, a file or a whole set of files that is not valid.
 */
public class ConfigException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  public ConfigException(ErrorCode code, String message) {
    super(code, message);
  }

  public ConfigException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
