package org.weverywhere.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process as a user would, capturing what it prints and its exit status. */
record CliRun(int status, String out, String err) {
  static CliRun of(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    // the command line main builds: only the subcommand the arguments name
    var commandLine = Main.commandLine(args);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute(args);
    return new CliRun(status, out.toString(), err.toString());
  }
}
