package org.weverywhere.desktop.events;

import java.nio.file.Path;
import java.util.List;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.protocol.Message;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.wasm.ModuleInfo;

/** What one screen tells the others; a closed set, so a subscriber sees every kind there is. */
public sealed interface ExplorerEvent {
  /**
   * The set of live peers changed; {@code peers} is the new set, for the Submit screen's peer
   * choice.
   */
  record PeersChanged(List<PeerChoice> peers) implements ExplorerEvent {
    public PeersChanged {
      peers = List.copyOf(peers);
    }
  }

  /** A peer someone may submit to: its display name and where it answers. */
  record PeerChoice(String name, DaemonAddress address) {
    @Override
    public String toString() {
      return name + " (" + address.node().shortForm() + ")";
    }
  }

  /**
   * A peer answered {@code describe}: its libraries (with typed exports) and services, for Browse
   * and Submit.
   */
  record PeerDescribed(PeerChoice peer, Message.Description description) implements ExplorerEvent {}

  /** A local module was opened and inspected. */
  record ModuleOpened(Path file, byte[] bytes, ModuleInfo info) implements ExplorerEvent {}

  /** The signing key changed. */
  record IdentityChanged(Path privateKey, Fingerprint fingerprint) implements ExplorerEvent {}
}
