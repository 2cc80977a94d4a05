package org.weverywhere.events;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/** The event journal could not be written or read; events are never dropped silently. */
public final class JournalException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  public JournalException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
