package org.weverywhere.cli;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * A client command that cannot do what was asked: unknown peer, bad function argument, mismatched
 * hash.
 */
public class CommandException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  public CommandException(ErrorCode code, String message) {
    super(code, message);
  }
}
