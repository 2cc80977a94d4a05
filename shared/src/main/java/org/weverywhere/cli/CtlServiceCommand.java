package org.weverywhere.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code weverywhere ctl service}: start or stop a service the daemon's configuration declares. */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description =
        "Start or stop a declared service (calls in flight finish; a failed service starts afresh).",
    footerHeading = "%nExamples:%n",
    footer = {"  weverywhere ctl service stop kv", "  weverywhere ctl service start kv"})
final class CtlServiceCommand implements Runnable {
  @Spec CommandSpec spec;

  @ParentCommand CtlCommand ctl;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: start or stop");
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start SERVICE's instances.")
  int start(@Mixin ControlTarget target, @Parameters(paramLabel = "SERVICE") String service) {
    return ctl.print(target, ctl.send(target, "service-start", Map.of("service", service)));
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop SERVICE; calls in flight finish.")
  int stop(@Mixin ControlTarget target, @Parameters(paramLabel = "SERVICE") String service) {
    return ctl.print(target, ctl.send(target, "service-stop", Map.of("service", service)));
  }
}
