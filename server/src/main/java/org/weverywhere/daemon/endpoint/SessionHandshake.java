package org.weverywhere.daemon.endpoint;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.InetAddress;
import java.util.Base64;
import java.util.Optional;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;

/**
 * The daemon's half of a session's handshake and of sealed replies (docs/PROTOCOL.md §5a), shared
 * by the UDP and HTTP sides: an announce answering a signed unicast discover that offers a session
 * accepts it when the table has room, and a sealed request is answered sealed in its session.
 */
public final class SessionHandshake {
  /** A daemon that holds no sessions: offers are answered without one, sealed messages unknown. */
  static final SessionHandshake NONE = new SessionHandshake(null, null, null, null);

  private final SessionTable table;
  private final MessageSigner host;
  private final EventJournal journal;
  private final RequestHandler handler;

  SessionHandshake(
      SessionTable table, MessageSigner host, EventJournal journal, RequestHandler handler) {
    this.table = table;
    this.host = host;
    this.journal = journal;
    this.handler = handler;
  }

  /** The sessions a sealed message may name. */
  Verifier.Sessions sessions() {
    return table == null ? Verifier.Sessions.NONE : table;
  }

  /**
   * {@code reply}, with a session accepted when it is the announce answering a signed discover that
   * offers one, which did not come by multicast.
   *
   * @param wire the discover as received (the key schedule binds it)
   */
  Message answer(
      Message reply, SignedMessage request, byte[] wire, InetAddress source, boolean multicast) {
    if (table == null
        || multicast
        || request.session().isPresent()
        || !(reply instanceof Message.Announce announce)
        || !(request.message() instanceof Message.Discover discover)
        || discover.session().isEmpty()) {
      return reply;
    }
    String group = handler.groupOf(request);
    Optional<SessionTable.Opened> opened =
        table.open(request, wire, source, group, host.publicKey());
    if (opened.isEmpty()) {
      return reply;
    }
    var session = opened.get().session();
    // the bill ties every sealed request to this signed handshake (PROTOCOL.md §5a)
    journal.appendDeferred(
        JournalEvent.unsequenced(
            "org.weverywhere.session.opened",
            "discover",
            JsonNodeFactory.instance
                .objectNode()
                .put("requester", request.fingerprint().toString())
                .put("group", group)
                .put("messageId", request.header().id().toString())
                .put("session", session.idText())
                .put("signature", Base64.getEncoder().encodeToString(request.signature()))
                .put("expires", session.expires().toString())
                .put("discover", Base64.getEncoder().encodeToString(wire))));
    return announce.withSession(
        new Message.SessionWelcome(session.id(), opened.get().x25519(), table.ttl().toSeconds()));
  }

  /** The reply's bytes: sealed in the request's session when it came sealed, else signed. */
  static byte[] wire(MessageSigner host, SignedMessage request, Header header, Message reply) {
    return request.session().isPresent()
        ? request.session().get().session().seal(header, reply)
        : host.sign(header, reply);
  }

  /** The reply's size as {@link #wire} would make it, without sealing or signing. */
  static int size(MessageSigner host, SignedMessage request, Header header, Message reply) {
    return request.session().isPresent()
        ? request.session().get().session().sealedSize(header, reply)
        : host.signedSize(header, reply);
  }

  /** The Signature Group key owning the session a sealed datagram names, unchecked. */
  Optional<org.weverywhere.trust.Fingerprint> claimedOwner(byte[] datagram) {
    return ownerOf(org.weverywhere.protocol.Sealed.claimedSession(datagram, datagram.length));
  }

  /** The key owning session {@code id} (null: none), unchecked: a queue is chosen by it. */
  Optional<org.weverywhere.trust.Fingerprint> ownerOf(byte[] id) {
    if (id == null || table == null) {
      return Optional.empty();
    }
    var session = table.peek(id);
    return session == null ? Optional.empty() : Optional.of(session.peer());
  }
}
