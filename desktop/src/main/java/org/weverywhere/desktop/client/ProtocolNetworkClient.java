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
import org.weverywhere.net.BulkClient;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;

/**
 * The network client over the shared protocol API: {@link Discovery} for discover and listen, the
 * HTTP {@link BulkClient} for describe (descriptions outgrow a datagram), fetch and execute. Every
 * request is signed with whichever key the Identity screen chose at the moment it is sent.
 */
public final class ProtocolNetworkClient implements NetworkClient {
  private final Supplier<MessageSigner> signer;
  private final MulticastGroups groups;
  private final List<NetworkInterface> interfaces;
  private final int ttl;
  private final Clock clock;
  private final Verifier verifier;

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
    this.groups = Objects.requireNonNull(groups);
    this.interfaces = List.copyOf(interfaces);
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock);
    this.verifier = Verifier.of(clock, Optional.empty(), 10_000);
  }

  private Discovery discovery() {
    return new Discovery(signer.get(), verifier, groups, interfaces, ttl, clock);
  }

  @Override
  public Listening listen(PeerListener listener) {
    Discovery.Listening listening =
        discovery()
            .listen(
                heard -> listener.announced(sighting(heard, Optional.empty())),
                listener::gone,
                refused -> listener.rejected(refused.getMessage()));
    return new Listening() {
      @Override
      public void close() {
        listening.close();
      }

      @Override
      public List<String> unheard() {
        return listening.unheard();
      }
    };
  }

  @Override
  public List<String> discover(Duration timeout, Consumer<Sighting> each) {
    Discovery discovery = discovery();
    // sign once before the clock starts: the first signature of a run loads and warms the EdDSA
    // code
    // (hundreds of ms), which is no part of the trip; what remains in the measure is socket setup
    signer.get().sign(Header.fresh(Audience.ANY, clock.instant()), new Message.Discover());
    Instant asked = clock.instant();
    Discovery.Result result =
        discovery.discover(
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
  public Message.Description describe(NodeAddress peer) {
    // a host with more than a page of libraries (1,000 over HTTP) answers in pages
    return org.weverywhere.net.DescriptionPager.collect(
        cursor ->
            expect(
                bulk(WireLimits.HTTP)
                    .request(
                        peer.http(),
                        peer.node(),
                        new Message.Describe(List.of("host", "libraries", "services"), cursor, 0)),
                Message.Description.class,
                peer));
  }

  @Override
  public Message.ModuleReply fetch(NodeAddress peer, String library) {
    return expect(
        bulk(WireLimits.HTTP)
            .request(peer.http(), peer.node(), new Message.Fetch(library, Optional.empty())),
        Message.ModuleReply.class,
        peer);
  }

  @Override
  public org.weverywhere.net.FreeCapacity capacity(NodeAddress peer) {
    Message.Description described =
        expect(
            bulk(WireLimits.HTTP)
                .request(
                    peer.http(),
                    peer.node(),
                    new Message.Describe(List.of("capacity"), Optional.empty(), 0)),
            Message.Description.class,
            peer);
    return org.weverywhere.net.FreeCapacity.of(described.host());
  }

  @Override
  public Executed execute(NodeAddress peer, Message.Execute request) {
    Instant sent = clock.instant();
    SignedMessage reply = bulk(WireLimits.HTTP).request(peer.http(), peer.node(), request);
    Duration trip = Duration.between(sent, clock.instant());
    return new Executed(expect(reply, Message.Result.class, peer), reply.size(), trip);
  }

  private BulkClient bulk(WireLimits limits) {
    return new BulkClient(
        signer.get(), verifier, clock, Duration.ofSeconds(5), Duration.ofMinutes(2), limits);
  }

  private static <T extends Message> T expect(
      SignedMessage reply, Class<T> type, NodeAddress peer) {
    if (!type.isInstance(reply.message())) {
      throw new ProtocolException(
          Reason.MALFORMED,
          peer.http()
              + " answered "
              + reply.message().type()
              + " where "
              + type.getSimpleName()
              + " was expected");
    }
    return type.cast(reply.message());
  }
}
