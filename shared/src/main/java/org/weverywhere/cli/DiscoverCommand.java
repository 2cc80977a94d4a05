package org.weverywhere.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.KeyPem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weverywhere discover}: asks the multicast groups who is there and prints each answer as it comes. */
@Command(
    name = "discover",
    description = {
      "Find daemons: print each one's verified announce as it arrives.",
      "Sends a signed discover to the IPv4 and IPv6 multicast groups on the chosen interfaces and",
      "waits until the timeout or --max answers."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere discover                       # daemons on this host (loopback)",
      "  weverywhere discover -i eth0 --timeout 5   # the local network, if daemons opted in",
      "  weverywhere discover --json --max 1"
    })
final class DiscoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-i", "--interface"}, paramLabel = "NAME", description = "Interface to send on (repeatable; default: lo).")
  List<String> interfaces = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3", description = "How long to wait (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--max", paramLabel = "N", defaultValue = "1000", description = "Stop after N daemons (default: ${DEFAULT-VALUE}).")
  int max;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "22341", description = "UDP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--key", paramLabel = "KEY", description = "Sign with this private key (default: a fresh key, i.e. anonymous).")
  Path key;

  @Option(names = "--json", description = "One JSON object per daemon per line.")
  boolean json;

  @Override
  public Integer call() {
    if (timeoutSeconds <= 0 || timeoutSeconds > 3600 || max < 1 || port < 1 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--timeout must be 0..3600 s, --max at least 1, --port 1..65535");
    }
    List<NetworkInterface> nics = new ArrayList<>();
    for (String name : interfaces.isEmpty() ? List.of("lo") : interfaces) {
      nics.add(networkInterface(name));
    }
    KeyPair keys = key == null ? Ed25519.generate() : keyPair(KeyPem.readPrivateKey(key));
    // TTL 0 keeps a loopback-only discover on this host; 1 reaches the link and no further
    int ttl = nics.stream().allMatch(this::isLoopback) ? 0 : 1;
    Discovery discovery = new Discovery(new MessageSigner(keys), Verifier.of(Clock.systemUTC(), Optional.empty(), 100_000),
        MulticastGroups.DEFAULT.withPort(port), nics, ttl, Clock.systemUTC());
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    Duration timeout = Duration.ofMillis((long) (timeoutSeconds * 1000));
    Discovery.Result result = discovery.discover(timeout, max, found -> {
      if (json) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("node", found.node().toString());
        line.put("address", found.from().getAddress().getHostAddress());
        line.put("port", found.from().getPort());
        line.put("name", found.announce().name());
        line.put("http", found.announce().httpPort());
        line.put("libraries", found.announce().libraries());
        line.put("services", found.announce().services());
        try {
          out.println(mapper.writeValueAsString(line));
        } catch (IOException impossible) {
          throw new UncheckedIOException(impossible);
        }
      } else {
        out.printf("%-20s  %-39s  %-16s  http %-5d  %s%n", found.node().shortForm(),
            found.from().getAddress().getHostAddress(), found.announce().name(), found.announce().httpPort(),
            String.join(", ", found.announce().libraries()));
      }
      out.flush();
    });
    PrintWriter err = spec.commandLine().getErr();
    if (result.answers().isEmpty()) {
      // a group that could not be reached explains silence; with answers it is only noise (lo has no
      // IPv6 multicast route by default)
      result.unsent().forEach(u -> err.println("weverywhere: not sent to " + u));
    }
    if (!result.rejected().isEmpty()) {
      err.println("weverywhere: ignored " + result.rejected().size() + " unverifiable answer(s), first: "
          + FailureReporter.line(result.rejected().get(0)).substring("weverywhere: ".length()));
    }
    err.flush();
    if (result.answers().isEmpty()) {
      throw new ProtocolException(ProtocolException.Reason.NO_ANSWER, "no daemon answered on "
          + String.join(", ", nics.stream().map(NetworkInterface::getName).toList()) + " within "
          + timeout.toMillis() + " ms");
    }
    return ExitStatus.OK;
  }

  private NetworkInterface networkInterface(String name) {
    try {
      NetworkInterface nic = NetworkInterface.getByName(name);
      if (nic == null) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--interface': no interface '" + name + "'");
      }
      return nic;
    } catch (SocketException failed) {
      throw new ProtocolException(ProtocolException.Reason.TRANSPORT, "cannot list interfaces: " + failed.getMessage(), failed);
    }
  }

  private boolean isLoopback(NetworkInterface nic) {
    try {
      return nic.isLoopback();
    } catch (SocketException failed) {
      return false;
    }
  }

  private static KeyPair keyPair(PrivateKey key) {
    return new KeyPair(Ed25519.publicKeyOf(key), key);
  }
}
