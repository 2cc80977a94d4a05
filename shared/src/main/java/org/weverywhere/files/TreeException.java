package org.weverywhere.files;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/** A directory tree cannot be given to an execution: a bad name or link, or too large. */
public final class TreeException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  public TreeException(ErrorCode code, String message) {
    super(code, message);
  }
}
