package org.weverywhere.desktop.client;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.Discovery;
import org.weverywhere.protocol.Message;

/**
 * Everything the explorer asks of the network, in one place, so the screens' models can be tested
 * without one. Every method blocks: callers run them off the FX thread. Refusals arrive as the
 * shared client's {@link org.weverywhere.protocol.ProtocolException} (its reason says quota,
 * permission, no answer...).
 */
public interface NetworkClient {
  /** Hears announcements and byes until the returned handle is closed. */
  Discovery.Listening listen(PeerListener listener);

  /**
   * Sends one discover and reports each answering node as it answers, for at most {@code timeout};
   * returns why some groups could not be asked (e.g. no IPv6 route), empty when all were.
   */
  List<String> discover(Duration timeout, Consumer<Sighting> each);

  /** Asks one node what it offers. */
  Message.Description describe(DaemonAddress peer);

  /** Fetches a library's module bytes from one node. */
  Message.ModuleReply fetch(DaemonAddress peer, String library);

  /**
   * Asks one node what it has free for this explorer's group (describe "capacity"), for choosing
   * daemons by free capacity as {@code run --spread} does.
   */
  org.weverywhere.net.FreeCapacity capacity(DaemonAddress peer);

  /** Runs a library function, a sent module or a command on one node. */
  Executed execute(DaemonAddress peer, Message.Execute request);
}
