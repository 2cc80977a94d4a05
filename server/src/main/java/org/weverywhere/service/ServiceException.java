package org.weverywhere.service;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/** A service could not be called, started or stopped; the message names the service and why. */
public final class ServiceException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  public ServiceException(ErrorCode code, String message) {
    super(code, message);
  }
}
