package org.weverywhere.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weverywhere config}: the configuration files, written out or checked. */
@Command(
    name = "config",
    header = "Write out the sample configuration, or check one.",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Write out the sample configuration or check a configuration directory.",
    subcommands = {ConfigExtractCommand.class, ConfigCheckCommand.class})
public final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: extract or check");
  }
}
