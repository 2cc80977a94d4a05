package org.weverywhere.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process as a user would, capturing what it prints and its exit status. */
record CliRun(int status, String out, String err) {
  static CliRun of(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute(args);
    return new CliRun(status, out.toString(), err.toString());
  }

  /**
   * The command against a test daemon: its UDP port and a one-second wait added before any {@code
   * --}, so a guest's own arguments stay untouched.
   */
  static CliRun against(int port, String... args) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
    int at = all.indexOf("--") < 0 ? all.size() : all.indexOf("--");
    all.addAll(at, java.util.List.of("--port", Integer.toString(port), "--timeout", "1"));
    return of(all.toArray(String[]::new));
  }

  @Override
  public String toString() {
    return "exit " + status + "\n--- out:\n" + out + "--- err:\n" + err;
  }
}
