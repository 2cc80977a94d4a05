package org.weverywhere.net;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Session;
import org.weverywhere.protocol.SessionKeys;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Fingerprint;

/**
 * A client's sessions (docs/PROTOCOL.md §5a), one per node at most, shared by its UDP and HTTP
 * clients: a session opened over one is used over the other. A node that answered an offer without
 * accepting it is not offered another for a minute; a session is replaced when less than a tenth of
 * its lifetime (at most 60 s) is left, and dropped as soon as the node says it does not hold it.
 * Bounded: sessions with the least recently asked nodes go first.
 */
public final class ClientSessions implements Verifier.Sessions {
  /** Nodes remembered at most. */
  static final int NODES = 256;

  /** How long a node that declined an offer is not offered another. */
  static final Duration DECLINED = Duration.ofMinutes(1);

  private final MessageSigner signer;
  private final Clock clock;

  private sealed interface State {}

  private record Open(Session session, Instant replaceAt) implements State {}

  private record Declined(Instant until) implements State {}

  private final Map<Fingerprint, State> nodes =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Fingerprint, State> eldest) {
          return size() > NODES;
        }
      };

  public ClientSessions(MessageSigner signer, Clock clock) {
    this.signer = signer;
    this.clock = clock;
  }

  /** An offer: a fresh ephemeral key and the discover that carries it. */
  public record Offer(KeyPair ephemeral, Message.Discover discover) {}

  /** The key that signs the handshakes: the requester of every sealed request. */
  MessageSigner signer() {
    return signer;
  }

  /**
   * The session to seal a request to {@code node} in now, if one is open and not due for replacing.
   */
  public synchronized Optional<Session> current(Fingerprint node) {
    if (nodes.get(node) instanceof Open open && clock.instant().isBefore(open.replaceAt())) {
      return Optional.of(open.session());
    }
    return Optional.empty();
  }

  /** Whether to offer {@code node} a session now: none is open and it has not just declined. */
  public synchronized boolean shouldOffer(Fingerprint node) {
    return switch (nodes.get(node)) {
      case null -> true;
      case Open open -> !clock.instant().isBefore(open.replaceAt());
      case Declined declined -> !clock.instant().isBefore(declined.until());
    };
  }

  public Offer offer() {
    KeyPair ephemeral = SessionKeys.ephemeral();
    return new Offer(
        ephemeral,
        new Message.Discover(
            Optional.of(new Message.SessionHello(SessionKeys.raw(ephemeral.getPublic())))));
  }

  /**
   * Takes the node's verified {@code announce} answering {@code offer}, sent as {@code
   * discoverWire}: a session when it accepted, else the node is remembered as declining.
   */
  public Optional<Session> complete(
      Fingerprint node, Offer offer, byte[] discoverWire, SignedMessage announce) {
    if (!(announce.message() instanceof Message.Announce a) || a.session().isEmpty()) {
      synchronized (this) {
        nodes.put(node, new Declined(clock.instant().plus(DECLINED)));
      }
      return Optional.empty();
    }
    Instant now = clock.instant();
    Session session;
    try {
      session =
          Session.complete(offer.ephemeral(), discoverWire, signer.publicKey(), announce, now);
    } catch (org.weverywhere.protocol.ProtocolException unusable) {
      synchronized (this) {
        nodes.put(node, new Declined(now.plus(DECLINED)));
      }
      return Optional.empty();
    }
    long ttl = a.session().get().ttlSeconds();
    Instant replaceAt = now.plusSeconds(ttl - Math.min(60, ttl / 10));
    synchronized (this) {
      nodes.put(node, new Open(session, replaceAt));
      byId.put(session.idText(), session);
    }
    return Optional.of(session);
  }

  /** Forgets {@code session}: its node said it does not hold it (forgotten, restarted). */
  public synchronized void forget(Fingerprint node, Session session) {
    if (nodes.get(node) instanceof Open open && open.session() == session) {
      nodes.remove(node);
    }
  }

  /**
   * Replies are sealed in the session of the request they answer, which may have been replaced or
   * forgotten since: every session opened stays findable by id until twice {@link #NODES} newer
   * ones push it out (its expiry is checked by the verifier).
   */
  @Override
  public synchronized Session find(byte[] id) {
    return byId.get(java.util.HexFormat.of().formatHex(id));
  }

  private final Map<String, Session> byId =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
          return size() > 2 * NODES;
        }
      };
}
