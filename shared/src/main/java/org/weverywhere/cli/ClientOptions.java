package org.weverywhere.cli;

import java.io.PrintWriter;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.Daemons;
import org.weverywhere.net.InterfaceChoice;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.KeyPairFiles;
import org.weverywhere.trust.KeyPem;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every command that talks to daemons shares: where to look for them (interfaces, UDP port),
 * how long to wait, and which key signs. The clients it builds sign with one key per run, so a
 * daemon sees one requester for the whole command.
 */
final class ClientOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = {"-i", "--interface"},
      paramLabel = "NAME",
      description = "Interface to discover daemons on (repeatable; default: lo).")
  List<String> interfaces = new ArrayList<>();

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "22341",
      description = "UDP port of the daemons (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "3s",
      description =
          "How long to wait for answers: 500ms, 2s, 1m; a plain number is seconds (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description =
          "Sign with this private key (default: ~/.config/weverywhere/keys/<user>.key.pem if present, else a fresh key, i.e. anonymous).")
  Path key;

  @Option(
      names = {"-v", "--verbose"},
      description = "Say which key signs and where requests go, on stderr.")
  boolean verbose;

  private KeyPair keys;
  private Daemons daemons;

  /**
   * The same five options built in code, for a command whose spec is built in code ({@link
   * RunSpec}): picocli reads annotations through proxies that the JVM spins at every start, the
   * larger part of {@code run}'s start-up (docs/PERFORMANCE.md, "Fourth round"). The annotated
   * fields above stay for the other commands; {@code ClientOptionsSpecTest} keeps the two alike.
   */
  static void addTo(CommandSpec command) {
    command.addOption(
        OptionSpec.builder("-i", "--interface")
            .paramLabel("NAME")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .description("Interface to discover daemons on (repeatable; default: lo).")
            .build());
    command.addOption(
        OptionSpec.builder("--port")
            .paramLabel("PORT")
            .type(int.class)
            .defaultValue("22341")
            .description("UDP port of the daemons (default: ${DEFAULT-VALUE}).")
            .build());
    command.addOption(
        OptionSpec.builder("--timeout")
            .paramLabel("DURATION")
            .type(Duration.class)
            .defaultValue("3s")
            .description(
                "How long to wait for answers: 500ms, 2s, 1m; a plain number is seconds (default: ${DEFAULT-VALUE}).")
            .build());
    command.addOption(
        OptionSpec.builder("--key")
            .paramLabel("KEY")
            .type(Path.class)
            .description(
                "Sign with this private key (default: ~/.config/weverywhere/keys/<user>.key.pem if present, else a fresh key, i.e. anonymous).")
            .build());
    command.addOption(
        OptionSpec.builder("-v", "--verbose")
            .paramLabel("<verbose>") // as picocli names a flag from its field
            .type(boolean.class)
            .description("Say which key signs and where requests go, on stderr.")
            .build());
  }

  /** The options {@link #addTo} added to {@code command}, as parsed. */
  static ClientOptions of(CommandSpec command) {
    ClientOptions options = new ClientOptions();
    options.spec = command;
    List<String> named = command.findOption("--interface").getValue();
    options.interfaces = named == null ? new ArrayList<>() : new ArrayList<>(named);
    options.port = command.findOption("--port").<Integer>getValue();
    options.timeout = command.findOption("--timeout").getValue();
    options.key = command.findOption("--key").getValue();
    options.verbose = Boolean.TRUE.equals(command.findOption("--verbose").getValue());
    return options;
  }

  /** Checks the ranges picocli cannot; call first. */
  void validate() {
    if (timeout.isZero()
        || timeout.compareTo(Duration.ofHours(1)) > 0
        || port < 1
        || port > 65535) {
      throw new ParameterException(
          spec.commandLine(), "--timeout must be more than 0 and at most 1h, --port 1..65535");
    }
  }

  Duration timeout() {
    return timeout;
  }

  /** The key that signs this run's requests, read or generated once. */
  KeyPair keys() {
    if (keys == null) {
      Path chosen =
          key != null
              ? key
              : defaultKey(
                      Path.of(System.getProperty("user.home")), System.getProperty("user.name"))
                  .orElse(null);
      if (chosen == null) {
        keys = Ed25519.generate();
        if (verbose) { // a fingerprint is a SHA-256: not worth a quiet command's start
          say(
              "signing with a throwaway key (anonymous): "
                  + org.weverywhere.trust.Fingerprint.of(keys.getPublic()));
        }
      } else {
        PrivateKey privateKey = KeyPem.readPrivateKey(chosen);
        keys = new KeyPair(Ed25519.publicKeyOf(privateKey), privateKey);
        if (verbose) {
          say(
              "signing with "
                  + chosen
                  + ": "
                  + org.weverywhere.trust.Fingerprint.of(keys.getPublic()));
        }
      }
    }
    return keys;
  }

  /** The identity {@code keygen} creates by default, if it exists. */
  static Optional<Path> defaultKey(Path home, String userName) {
    Path file =
        KeygenCommand.defaultDirectory(home)
            .resolve(KeygenCommand.defaultName(userName) + KeyPairFiles.PRIVATE_SUFFIX);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  void say(String line) {
    if (verbose) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("weverywhere: " + line);
      err.flush();
    }
  }

  List<NetworkInterface> networkInterfaces() {
    return interfaceChoice().interfaces();
  }

  /** The interfaces named by {@code --interface}, loopback alone when none is. */
  InterfaceChoice interfaceChoice() {
    try {
      return interfaces.isEmpty() ? InterfaceChoice.loopback() : InterfaceChoice.named(interfaces);
    } catch (InterfaceChoice.UnknownInterfaceException unknown) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--interface': no interface '" + unknown.name() + "'");
    } catch (SocketException failed) {
      throw new ProtocolException(
          ProtocolException.Reason.TRANSPORT,
          "cannot list interfaces: " + failed.getMessage(),
          failed);
    }
  }

  /**
   * The client of daemons for this run: discovery on {@code --interface} (TTL 0 on loopback alone,
   * else 1: the link and no further), UDP waits of {@code --timeout}, HTTP waits longer (an
   * execution may run for a while before its result comes back). One per run, so that the round
   * trips it measured time the retransmissions that follow.
   */
  Daemons daemons() {
    if (daemons == null) {
      daemons = daemons(new Daemons.Waits(timeout(), timeout(), timeout().plusMinutes(5)));
    }
    return daemons;
  }

  /** A client of daemons of its own that waits {@code waits}, e.g. a load run's. */
  Daemons daemons(Daemons.Waits waits) {
    return new Daemons(
        this::signer,
        verifier(),
        Clock.systemUTC(),
        () -> Daemons.Reach.of(MulticastGroups.DEFAULT.withPort(port), interfaceChoice()),
        waits,
        this::say);
  }

  UdpClient udp() {
    return daemons().udp();
  }

  BulkClient bulk() {
    return daemons().bulk();
  }

  MessageSigner signer() {
    return new MessageSigner(keys());
  }

  static Verifier verifier() {
    return Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000);
  }
}
