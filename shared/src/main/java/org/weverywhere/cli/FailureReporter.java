package org.weverywhere.cli;

import java.io.UncheckedIOException;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure escaping a command into one line on stderr and exit status 1. Expected failures
 * carry their stable code; anything else is a bug in WEverywhere and gets its stack trace.
 */
final class FailureReporter implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parsed) {
    var err = commandLine.getErr();
    switch (ex) {
      case WeverywhereException known -> err.println(line(known));
      case UncheckedIOException io ->
          err.println(line(new WeverywhereException(ErrorCode.IO_UNREADABLE, io.getMessage(), io)));
      default -> {
        err.println("weverywhere: internal error (please report): " + ex);
        ex.printStackTrace(err);
      }
    }
    err.flush();
    return ExitStatus.FAILURE;
  }

  /**
   * The one-line form used everywhere a failure is printed: {@code weverywhere: message [WE2002]}.
   */
  static String line(WeverywhereException failure) {
    return "weverywhere: " + failure.getMessage() + " [" + failure.code().code() + "]";
  }
}
