package org.weverywhere.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.weverywhere.net.Discovery;
import org.weverywhere.protocol.ProtocolException;

/** Finds daemons by discovery and resolves the PEERs a user names among them. */
final class Peers {
  private final ClientOptions options;
  private final PrintWriter err;

  Peers(ClientOptions options, PrintWriter err) {
    this.options = options;
    this.err = err;
  }

  /** Every daemon that answers within the timeout (at most {@code max}), each handed to {@code each} as it comes. */
  List<Peer> discover(int max, Consumer<Peer> each) {
    List<Peer> found = new ArrayList<>();
    Discovery.Result result = options.discovery().discover(options.timeout(), max, a -> {
      Peer peer = Peer.of(a);
      found.add(peer);
      each.accept(peer);
    });
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
    if (found.isEmpty()) {
      throw new ProtocolException(ProtocolException.Reason.NO_ANSWER, "no daemon answered on "
          + String.join(", ", options.networkInterfaces().stream().map(n -> n.getName()).toList()) + " within "
          + options.timeout().toMillis() + " ms");
    }
    return found;
  }

  List<Peer> all() {
    return discover(10_000, p -> {});
  }

  /** The daemons {@code wanted} names, in that order; one discovery round serves them all. */
  List<Peer> resolve(List<String> wanted) {
    List<Peer> found = all();
    List<Peer> chosen = new ArrayList<>();
    for (String name : wanted) {
      Peer peer = PeerMatcher.match(name, found);
      options.say(name + " is " + peer.label() + " at " + peer.udp() + ", http " + peer.httpPort());
      chosen.add(peer);
    }
    return chosen;
  }

  Peer resolve(String wanted) {
    return resolve(List.of(wanted)).getFirst();
  }
}
