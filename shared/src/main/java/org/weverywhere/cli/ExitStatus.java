package org.weverywhere.cli;

/** The CLI's documented exit codes; picocli uses the same numbers for usage errors. */
public final class ExitStatus {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  private ExitStatus() {}
}
