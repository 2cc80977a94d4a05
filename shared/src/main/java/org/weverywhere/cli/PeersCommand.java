package org.weverywhere.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere peers}: asks the multicast groups who is there and prints each answer as it
 * comes.
 */
@Command(
    name = "peers",
    aliases = "discover",
    description = {
      "Find daemons: print each one's verified announce as it arrives, then how many answered.",
      "Sends a signed discover to the IPv4 and IPv6 multicast groups on the chosen interfaces and waits until the timeout or --max answers. Also called 'discover'."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere peers                       # daemons on this host (loopback)",
      "  weverywhere peers -i eth0 --timeout 5s  # the local network, if daemons opted in",
      "  weverywhere peers --json --max 1"
    })
final class PeersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Option(
      names = "--max",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Stop after N daemons (default: ${DEFAULT-VALUE}).")
  int max;

  @Option(names = "--json", description = "One JSON object per daemon per line, and no summary.")
  boolean json;

  @Override
  public Integer call() {
    client.validate();
    if (max < 1) {
      throw new ParameterException(spec.commandLine(), "--max must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    List<DiscoveredPeer> found =
        new Peers(client, spec.commandLine().getErr())
            .discover(
                max,
                peer -> {
                  if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("node", peer.node().toString());
                    line.put("address", peer.udp().getAddress().getHostAddress());
                    line.put("port", peer.udp().getPort());
                    line.put("name", peer.name());
                    line.put("http", peer.httpPort());
                    line.put("libraries", peer.libraries());
                    out.println(Json.line(line));
                  } else {
                    out.printf(
                        "%-20s  %-16s  %-15s  udp %-5d  http %-5d  %s%n",
                        peer.node().shortForm(),
                        peer.name(),
                        peer.udp().getAddress().getHostAddress(),
                        peer.udp().getPort(),
                        peer.httpPort(),
                        String.join(", ", peer.libraries()));
                  }
                  out.flush();
                });
    if (!json) {
      out.printf(
          "%d daemon%s answered (waited %d ms)%n",
          found.size(), found.size() == 1 ? "" : "s", (System.nanoTime() - started) / 1_000_000);
    }
    return ExitStatus.OK;
  }
}
