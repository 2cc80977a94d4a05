package org.weverywhere.bench;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.weverywhere.net.ClientSessions;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Session;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Fingerprint;

/**
 * The sessions a load run seals its requests in (docs/PROTOCOL.md §5a): one per daemon, shared by
 * every load thread, opened by one signed handshake before the load starts and again when the
 * session is due for replacing. A request a session may not carry (a discover), or one to a daemon
 * whose session could not be reopened, is signed as without sessions.
 */
public final class LoadSessions {
  private final MessageSigner signer;
  private final ClientSessions sessions;
  private final Function<Target, Optional<Session>> handshake;

  /** One lock per daemon, so that threads finding its session due open one new one, not several. */
  private final Map<Fingerprint, Object> opening = new ConcurrentHashMap<>();

  /**
   * @param sessions the client's sessions, of {@code signer}'s key
   * @param handshake opens a session with a target now (over UDP or HTTP); empty when it declines
   */
  public LoadSessions(
      MessageSigner signer,
      ClientSessions sessions,
      Function<Target, Optional<Session>> handshake) {
    this.signer = Objects.requireNonNull(signer);
    this.sessions = Objects.requireNonNull(sessions);
    this.handshake = Objects.requireNonNull(handshake);
  }

  /** What verifies the sealed replies: the sessions they are sealed in. */
  public Verifier.Sessions held() {
    return sessions;
  }

  /**
   * Opens a session with {@code target} before the load starts; empty when it declines or does not
   * answer (the caller says so rather than measure signed requests it did not ask for).
   */
  public Optional<Session> open(Target target) {
    return session(target);
  }

  /** The session to seal a request to {@code target} in now, opening one when due. */
  Optional<Session> session(Target target) {
    Optional<Session> open = sessions.current(target.node());
    if (open.isPresent() || !sessions.shouldOffer(target.node())) {
      return open;
    }
    synchronized (opening.computeIfAbsent(target.node(), n -> new Object())) {
      open = sessions.current(target.node());
      if (open.isPresent() || !sessions.shouldOffer(target.node())) {
        return open; // another thread opened it meanwhile
      }
      return handshake.apply(target);
    }
  }

  /**
   * The bytes of {@code message} to {@code target}: sealed when a session may carry it and one is
   * open, else signed.
   */
  byte[] wire(Target target, Header header, Message message) {
    if (Verifier.SESSION_REQUESTS.contains(message.type())) {
      Optional<Session> session = session(target);
      if (session.isPresent()) {
        return session.get().seal(header, message);
      }
    }
    return signer.sign(header, message);
  }
}
