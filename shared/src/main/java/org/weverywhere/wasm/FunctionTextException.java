package org.weverywhere.wasm;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/** A function's listed text ({@code add (i32, i32) -> i32}) could not be read; says why. */
public final class FunctionTextException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  /** Characters of the offending text quoted in the message: a peer may send megabytes of it. */
  static final int QUOTED_MAX = 80;

  FunctionTextException(String text, String why) {
    super(ErrorCode.WASM_FUNCTION_TEXT, "'" + quoted(text) + "' " + why);
  }

  private static String quoted(String text) {
    return text.length() <= QUOTED_MAX ? text : text.substring(0, QUOTED_MAX) + "...";
  }
}
