package org.weverywhere.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.DaemonPaths;
import org.weverywhere.net.ControlClient;
import org.weverywhere.protocol.Message;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a control message goes: the local daemon's control socket (found as the daemon finds it,
 * from its configuration), or with {@code --peer} a daemon on the network, signed with your key
 * (which must be in a group with the control privilege there).
 */
final class ControlTarget {
  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "The daemon's control socket (default: from the daemon's configuration: control.socket, else <state dir>/control.sock, or /run/weverywhere/control.sock for the system daemon).")
  Path socket;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "The daemon's configuration directory, to find its socket (default: $WEVERYWHERE_CONFIG_DIR, else /etc/weverywhere).")
  Path configDir;

  @Option(
      names = "--peer",
      paramLabel = "PEER",
      description =
          "Control a daemon on the network instead, signing with --key (node id or prefix, name, or host[:port]).")
  String peer;

  @Option(names = "--json", description = "Print the daemon's report as JSON.")
  boolean json;

  @Mixin ClientOptions client;

  /**
   * Sends {@code control} and returns the report; {@code wait} bounds how long the daemon may take.
   */
  Message.Report send(Message.Control control, Duration wait, java.io.PrintWriter err) {
    if (peer != null) {
      client.validate();
      DiscoveredPeer found = new Peers(client, err).resolve(peer);
      Message reply = client.bulk().request(found.http(), found.node(), control).message();
      if (reply instanceof Message.Report report) {
        return report;
      }
      throw new org.weverywhere.WeverywhereException(
          org.weverywhere.ErrorCode.PROTOCOL_REFUSED,
          found.label() + " answered '" + reply.type() + "', not a report");
    }
    try (ControlClient daemon = ControlClient.connect(socketPath(), Clock.systemUTC())) {
      return daemon.request(control, wait);
    }
  }

  /** Streams the reports of a following {@code events} request until {@code each} says stop. */
  void follow(Message.Control control, Predicate<Message.Report> each) {
    try (ControlClient daemon = ControlClient.connect(socketPath(), Clock.systemUTC())) {
      daemon.follow(control, each);
    }
  }

  Path socketPath() {
    if (socket != null) {
      return socket;
    }
    Map<String, String> environment = System.getenv();
    Config config =
        ConfigLoader.withEnvironment(environment).load(ConfigLoader.locate(configDir, environment));
    return DaemonPaths.of(config, environment).controlSocket();
  }
}
