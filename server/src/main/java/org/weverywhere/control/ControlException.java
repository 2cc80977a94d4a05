package org.weverywhere.control;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/** A control action refused, with the stable code its reply carries. */
public final class ControlException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  public ControlException(ErrorCode code, String message) {
    super(code, message);
  }
}
