package org.weverywhere.desktop.browse;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.weverywhere.desktop.client.RemoteFunction;
import org.weverywhere.desktop.events.ExplorerEvent.PeerChoice;
import org.weverywhere.protocol.Message;

/**
 * One node of the Browse tree: a peer, one of its libraries, a function a library exports, or a
 * service. {@link #detail()} is what the detail pane shows for it.
 */
public sealed interface Offer {
  /** The tree's label. */
  String label();

  /** The detail pane's text. */
  String detail();

  /** True when {@code query} (lower case) occurs in its label. */
  default boolean matches(String query) {
    return label().toLowerCase(Locale.ROOT).contains(query);
  }

  /** A peer; {@code state} says whether it was described, is being described, or why it was not. */
  record Peer(PeerChoice peer, String state) implements Offer {
    public String label() {
      return peer.name() + (state.isEmpty() ? "" : " — " + state);
    }

    public String detail() {
      return "node "
          + peer.address().node()
          + "\nUDP "
          + peer.address().udp()
          + "\nHTTP "
          + peer.address().http()
          + (state.isEmpty() ? "" : "\n" + state);
    }
  }

  /** A library the peer offers. */
  record Library(PeerChoice peer, Message.Library library) implements Offer {
    public String label() {
      return library.name() + " " + library.version();
    }

    public String detail() {
      return "library "
          + library.name()
          + "\nversion "
          + library.version()
          + "\nsha256 "
          + HexFormat.of().formatHex(library.sha256())
          + "\nsize "
          + library.size()
          + " bytes\nexports\n  "
          + String.join("\n  ", library.exports())
          + "\non "
          + peer
          + "\nsigned by: not carried by describe in protocol v1";
    }
  }

  /** A function a library exports, with its typed signature when the description carries one. */
  record Function(PeerChoice peer, Message.Library library, RemoteFunction function)
      implements Offer {
    public String label() {
      return function.toString();
    }

    public String detail() {
      return "function "
          + function.name()
          + "\nsignature "
          + function.type().map(Object::toString).orElse("not given")
          + "\nof library "
          + library.name()
          + " "
          + library.version()
          + "\non "
          + peer
          + "\n\nCall it on the Submit screen (Ctrl+4): choose "
          + library.name()
          + " on "
          + peer.name()
          + ".";
    }
  }

  /** A running service. */
  record Service(PeerChoice peer, Message.Service service) implements Offer {
    public String label() {
      return service.name() + " (service of " + service.library() + ")";
    }

    public String detail() {
      return "service " + service.name() + "\nruns library " + service.library() + "\non " + peer;
    }
  }

  /** A tree of offers, as the view shows it. */
  record Tree(Offer offer, List<Tree> children) {
    public Tree {
      children = List.copyOf(children);
    }
  }
}
