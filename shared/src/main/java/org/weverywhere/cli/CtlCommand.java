package org.weverywhere.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.protocol.Message;
import org.weverywhere.trust.KeyPem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere ctl}: control a running daemon through its control socket (or, with --peer,
 * over the network), with the same effect as editing its configuration and restarting, but live.
 */
@Command(
    name = "ctl",
    header =
        "Control a running daemon: status, reload, set/unset keys, group keys, publish, services, drain.",
    description = {
      "Talks to the daemon's control socket, which only root, the daemon's user and the control.group may use.",
      "Changes apply live: work in flight finishes under the limits it started with, new requests see the change, and an invalid change is refused whole. set/unset are kept in weverywhere.d/99-control.conf, so a restart keeps them."
    },
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    subcommands = {CtlGroupCommand.class, CtlServiceCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere ctl status",
      "  weverywhere ctl set group.friends.quota.cores 2",
      "  weverywhere ctl set host.quota.memory=8GiB executor.wall-timeout=2m",
      "  weverywhere ctl unset group.friends.quota.cores",
      "  weverywhere ctl group add-key friends alice.pub-key.pem",
      "  weverywhere ctl publish target/example-programs/math.wasi",
      "  weverywhere ctl service stop kv",
      "  weverywhere ctl drain --wait 2m",
      "  weverywhere ctl status --peer host-a --key ~/.config/weverywhere/keys/ops.key.pem"
    })
final class CtlCommand implements Runnable {
  /** How long a daemon may take to answer anything but a drain. */
  static final Duration ANSWER = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing subcommand: status, reload, set, unset, group, publish,"
            + " unpublish, service, drain or resume");
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Uptime, load, work in flight, and each group's use of its quotas.")
  int status(@Mixin ControlTarget target) {
    return print(target, send(target, "status", Map.of()));
  }

  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      description =
          "Read the configuration and group keys from disk again, and publish libraries.dir again.")
  int reload(@Mixin ControlTarget target) {
    return print(target, send(target, "reload", Map.of()));
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Set configuration keys, all or none: KEY VALUE, or KEY=VALUE....")
  int set(
      @Mixin ControlTarget target,
      @Parameters(
              paramLabel = "KEY=VALUE",
              arity = "1..*",
              description = "Keys and values (or one KEY then its VALUE).")
          List<String> settings) {
    return print(target, send(target, "set", settings(settings)));
  }

  @Command(
      name = "unset",
      mixinStandardHelpOptions = true,
      description = "Remove keys that `ctl set` set, back to what the files or defaults say.")
  int unset(
      @Mixin ControlTarget target,
      @Parameters(paramLabel = "KEY", arity = "1..*", description = "Keys to unset.")
          List<String> keys) {
    Map<String, String> args = new LinkedHashMap<>();
    keys.forEach(k -> args.put(k, ""));
    return print(target, send(target, "unset", args));
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = "Add a module to the daemon's library store.")
  int publish(
      @Mixin ControlTarget target,
      @Parameters(paramLabel = "MODULE", description = "A .wasi/.wasm file.") Path module) {
    byte[] bytes;
    try {
      long size = Files.size(module);
      if (size > Integer.MAX_VALUE - 1024 * 1024) {
        throw new WeverywhereException(
            ErrorCode.IO_UNREADABLE, module + ": " + size + " bytes is too large to publish");
      }
      bytes = Files.readAllBytes(module);
    } catch (IOException e) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE, module + ": cannot read: " + e.getMessage(), e);
    }
    return print(
        target,
        target.send(
            new Message.Control("publish", Map.of(), Optional.of(bytes)),
            ANSWER,
            spec.commandLine().getErr()));
  }

  @Command(
      name = "unpublish",
      mixinStandardHelpOptions = true,
      description = "Stop offering a library and delete it from the store.")
  int unpublish(
      @Mixin ControlTarget target,
      @Parameters(paramLabel = "LIBRARY", description = "name, name@version or hash prefix.")
          String library) {
    return print(target, send(target, "unpublish", Map.of("library", library)));
  }

  @Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description =
          "Take no new work and wait for work in flight to finish (readiness turns DOWN).")
  int drain(
      @Mixin ControlTarget target,
      @Option(
              names = "--wait",
              paramLabel = "DURATION",
              defaultValue = "60s",
              description =
                  "How long the daemon waits for work in flight: 30s, 5m; a plain number is seconds (default: ${DEFAULT-VALUE}).")
          Duration wait) {
    if (wait.compareTo(Duration.ofDays(1)) > 0) {
      throw new ParameterException(spec.commandLine(), "--wait must be at most 1d (86400 seconds)");
    }
    // the control protocol counts whole seconds; a fraction waits the next whole second
    long seconds = wait.plusNanos(999_999_999L).getSeconds();
    Message.Report report =
        target.send(
            new Message.Control("drain", Map.of("timeout-s", Long.toString(seconds))),
            Duration.ofSeconds(seconds).plus(ANSWER),
            spec.commandLine().getErr());
    print(target, report);
    return Boolean.TRUE.equals(report.data().get("drained")) ? ExitStatus.OK : ExitStatus.FAILURE;
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Take new work again after a drain.")
  int resume(@Mixin ControlTarget target) {
    return print(target, send(target, "resume", Map.of()));
  }

  Message.Report send(ControlTarget target, String action, Map<String, String> args) {
    return target.send(new Message.Control(action, args), ANSWER, spec.commandLine().getErr());
  }

  int print(ControlTarget target, Message.Report report) {
    PrintWriter out = spec.commandLine().getOut();
    if (target.json) {
      out.println(Json.document(report.data()));
    } else {
      new ReportText(out).print(report);
    }
    out.flush();
    return ExitStatus.OK;
  }

  /** {@code KEY VALUE} (two words, the first without '=') or any number of {@code KEY=VALUE}. */
  Map<String, String> settings(List<String> words) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (words.size() == 2 && !words.get(0).contains("=")) {
      settings.put(words.get(0), words.get(1));
      return settings;
    }
    for (String word : words) {
      int equals = word.indexOf('=');
      if (equals <= 0) {
        throw new ParameterException(
            spec.commandLine(), "'" + word + "' is not KEY=VALUE (or give one KEY and its VALUE)");
      }
      if (settings.put(word.substring(0, equals).strip(), word.substring(equals + 1).strip())
          != null) {
        throw new ParameterException(
            spec.commandLine(), "'" + word.substring(0, equals) + "' is given twice");
      }
    }
    return settings;
  }

  /** A public key file's PEM text, checked here so a bad file is named before anything is sent. */
  static String publicKeyText(Path file) {
    KeyPem.readPublicKey(file);
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE, file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
