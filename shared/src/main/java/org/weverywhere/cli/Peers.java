package org.weverywhere.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.weverywhere.ErrorCode;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.protocol.ProtocolException;

/** Finds daemons by discovery and resolves the PEERs a user names among them. */
final class Peers {
  private final ClientOptions options;
  private final PrintWriter err;

  Peers(ClientOptions options, PrintWriter err) {
    this.options = options;
    this.err = err;
  }

  /**
   * Every daemon that answers within the timeout (at most {@code max}), each handed to {@code each}
   * as it comes.
   */
  List<DiscoveredPeer> discover(int max, Consumer<DiscoveredPeer> each) {
    List<DiscoveredPeer> found = new ArrayList<>();
    Discovery.Result result =
        options
            .daemons()
            .discover(
                options.timeout(),
                max,
                a -> {
                  DiscoveredPeer peer = DiscoveredPeer.of(a);
                  found.add(peer);
                  each.accept(peer);
                });
    if (result.answers().isEmpty()) {
      // a group that could not be reached explains silence; with answers it is only noise (lo has
      // no
      // IPv6 multicast route by default)
      result.unsent().forEach(u -> err.println("weverywhere: not sent to " + u));
    }
    if (!result.rejected().isEmpty()) {
      err.println(
          "weverywhere: ignored "
              + result.rejected().size()
              + " unverifiable answer(s), first: "
              + FailureReporter.line(result.rejected().get(0)).substring("weverywhere: ".length()));
    }
    err.flush();
    if (found.isEmpty()) {
      throw new ProtocolException(
          ProtocolException.Reason.NO_ANSWER,
          "no daemon answered on "
              + String.join(
                  ", ", options.networkInterfaces().stream().map(n -> n.getName()).toList())
              + " within "
              + options.timeout().toMillis()
              + " ms");
    }
    return found;
  }

  List<DiscoveredPeer> all() {
    return discover(10_000, p -> {});
  }

  /**
   * The daemons {@code wanted} names, in that order. An IP address or a {@code host:port} is asked
   * directly (unicast discover: it reaches daemons multicast does not); anything else is looked for
   * among the daemons that answer one discovery round, and a host name that matches none of them is
   * then asked directly too.
   */
  List<DiscoveredPeer> resolve(List<String> wanted) {
    List<DiscoveredPeer> found = null;
    List<DiscoveredPeer> chosen = new ArrayList<>();
    for (String name : wanted) {
      Optional<PeerAddress> address = PeerMatcher.hostPort(name);
      DiscoveredPeer peer;
      if (address.isPresent() && PeerMatcher.explicit(address.get())) {
        peer = ask(address.get());
      } else {
        if (found == null) {
          found = all();
        }
        try {
          peer = PeerMatcher.match(name, found);
        } catch (CommandException unknown) {
          if (unknown.code() != ErrorCode.PROTOCOL_PEER_UNKNOWN
              || address.isEmpty()
              || !resolves(address.get().hostText())) {
            throw unknown;
          }
          peer = ask(address.get());
        }
      }
      options.say(name + " is " + peer.label() + " at " + peer.udp() + ", http " + peer.httpPort());
      chosen.add(peer);
    }
    return chosen;
  }

  private DiscoveredPeer ask(PeerAddress address) {
    return DiscoveredPeer.of(options.daemons().probe(address, options.port, options.timeout()));
  }

  private static boolean resolves(String host) {
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException | SecurityException unknown) {
      return false;
    }
  }

  DiscoveredPeer resolve(String wanted) {
    return resolve(List.of(wanted)).getFirst();
  }
}
