package org.weverywhere.desktop.client;

import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.Daemons;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.FreeCapacity;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;

/**
 * The explorer's side of the shared client of daemons ({@link Daemons}): it turns announcements
 * into {@link Sighting}s with the round trip of our own discover, and times executions. Describe,
 * fetch and execute go over HTTP (descriptions outgrow a datagram). Every request is signed with
 * whichever key the Identity screen chose at the moment it is sent.
 */
public final class ProtocolNetworkClient implements NetworkClient {
  private final Supplier<MessageSigner> signer;
  private final Clock clock;
  private final Daemons daemons;

  /**
   * @param interfaces where discovery sends and listens; tests pass loopback only
   * @param ttl multicast hops: 0 stays on this host, 1 on the link
   */
  public ProtocolNetworkClient(
      Supplier<MessageSigner> signer,
      MulticastGroups groups,
      List<NetworkInterface> interfaces,
      int ttl,
      Clock clock) {
    this.signer = Objects.requireNonNull(signer);
    this.clock = Objects.requireNonNull(clock);
    Daemons.Reach reach = new Daemons.Reach(groups, interfaces, ttl);
    this.daemons =
        new Daemons(
            signer,
            Verifier.of(clock, Optional.empty(), 10_000),
            clock,
            () -> reach,
            new Daemons.Waits(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(2)),
            note -> {});
  }

  @Override
  public Discovery.Listening listen(PeerListener listener) {
    return daemons.listen(
        heard -> listener.announced(sighting(heard, Optional.empty())),
        listener::gone,
        refused -> listener.rejected(refused.getMessage()));
  }

  @Override
  public List<String> discover(Duration timeout, Consumer<Sighting> each) {
    // sign once before the clock starts: the first signature of a run loads and warms the EdDSA
    // code (hundreds of ms), which is no part of the trip; what remains in the measure is socket
    // setup
    signer.get().sign(Header.fresh(Audience.ANY, clock.instant()), new Message.Discover());
    Instant asked = clock.instant();
    Discovery.Result result =
        daemons.discover(
            timeout,
            Integer.MAX_VALUE,
            heard ->
                each.accept(
                    sighting(heard, Optional.of(Duration.between(asked, clock.instant())))));
    return result.unsent();
  }

  private Sighting sighting(Announcement heard, Optional<Duration> roundTrip) {
    Message.Announce a = heard.announce();
    return new Sighting(
        heard.node(),
        a.name(),
        heard.from(),
        a.httpPort(),
        heard.message().header().version(),
        a.libraries(),
        a.services(),
        clock.instant(),
        roundTrip);
  }

  @Override
  public Message.Description describe(DaemonAddress peer) {
    return daemons.describe(peer, List.of("host", "libraries", "services"), Daemons.Route.HTTP);
  }

  @Override
  public Message.ModuleReply fetch(DaemonAddress peer, String library) {
    return daemons.fetch(peer, new Message.Fetch(library, Optional.empty()));
  }

  @Override
  public FreeCapacity capacity(DaemonAddress peer) {
    return daemons.capacity(peer, Daemons.Route.HTTP);
  }

  @Override
  public Executed execute(DaemonAddress peer, Message.Execute request) {
    Instant sent = clock.instant();
    SignedMessage reply = daemons.request(peer, request, Daemons.Route.HTTP);
    Duration trip = Duration.between(sent, clock.instant());
    return new Executed(
        Daemons.expect(reply, Message.Result.class, peer.http().toString()), reply.size(), trip);
  }
}
