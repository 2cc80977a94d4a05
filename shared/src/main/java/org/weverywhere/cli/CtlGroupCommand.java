package org.weverywhere.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code weverywhere ctl group}: a Signature Group's keys, quotas and privileges, live. */
@Command(
    name = "group",
    mixinStandardHelpOptions = true,
    description = "Add or remove a Signature Group's keys, set its quotas or privileges.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere ctl group add-key friends alice.pub-key.pem",
      "  weverywhere ctl group remove-key friends SHA256:3q2+7w...",
      "  weverywhere ctl group quota friends cores=2 memory=512MiB network.rate=5MiB/s",
      "  weverywhere ctl group privileges friends observe,fetch,execute"
    })
final class CtlGroupCommand implements Runnable {
  @Spec CommandSpec spec;

  @ParentCommand CtlCommand ctl;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing subcommand: add-key, remove-key, quota or privileges");
  }

  @Command(
      name = "add-key",
      mixinStandardHelpOptions = true,
      description = "Trust a public key as a member of GROUP (a new group is created).")
  int addKey(
      @Mixin ControlTarget target,
      @Parameters(paramLabel = "GROUP") String group,
      @Parameters(
              paramLabel = "FILE",
              description = "A public key (*.pub-key.pem, as keygen writes).")
          Path file) {
    return ctl.print(
        target,
        ctl.send(
            target,
            "group-add-key",
            Map.of("group", group, "key", CtlCommand.publicKeyText(file))));
  }

  @Command(
      name = "remove-key",
      mixinStandardHelpOptions = true,
      description = "Stop trusting a key in GROUP.")
  int removeKey(
      @Mixin ControlTarget target,
      @Parameters(paramLabel = "GROUP") String group,
      @Parameters(paramLabel = "FINGERPRINT", description = "The key's SHA256:... fingerprint.")
          String fingerprint) {
    return ctl.print(
        target,
        ctl.send(target, "group-remove-key", Map.of("group", group, "fingerprint", fingerprint)));
  }

  @Command(
      name = "quota",
      mixinStandardHelpOptions = true,
      description =
          "Set GROUP's quotas: cores, memory, memory.per-execution, cpu-time.per-execution, network.rate, network.period-bytes.")
  int quota(
      @Mixin ControlTarget target,
      @Parameters(paramLabel = "GROUP") String group,
      @Parameters(paramLabel = "NAME=VALUE", arity = "1..*") List<String> quotas) {
    Map<String, String> settings = new LinkedHashMap<>();
    ctl.settings(quotas)
        .forEach((name, value) -> settings.put("group." + group + ".quota." + name, value));
    return ctl.print(target, ctl.send(target, "set", settings));
  }

  @Command(
      name = "privileges",
      mixinStandardHelpOptions = true,
      description =
          "Set GROUP's privileges: observe, fetch, execute, publish, control, relay (or none).")
  int privileges(
      @Mixin ControlTarget target,
      @Parameters(paramLabel = "GROUP") String group,
      @Parameters(paramLabel = "LIST", description = "Comma-separated privileges.")
          String privileges) {
    return ctl.print(
        target, ctl.send(target, "set", Map.of("group." + group + ".privileges", privileges)));
  }
}
