package org.weverywhere.store;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/** The library store refused or could not serve a module; the message names it and why. */
public final class StoreException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  public StoreException(ErrorCode code, String message) {
    super(code, message);
  }

  public StoreException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
