package org.weverywhere.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Fingerprint;

/**
 * Requests over the HTTP bulk channel: {@code POST /weverywhere/v1/messages} with the signed
 * message as an {@code application/cose} body; a 200 answer carries the signed reply (an {@code
 * error} reply included). Any other status is a transport-level refusal. Bodies are read up to
 * {@link WireLimits#maxMessageBytes()} and no further.
 */
public final class BulkClient {
  public static final String PATH = "/weverywhere/v1/messages";
  public static final String MEDIA_TYPE = "application/cose";

  private final MessageSigner signer;
  private final Verifier verifier;
  private final Clock clock;
  private final HttpClient http;
  private final Duration timeout;
  private final WireLimits limits;
  private final Duration retryBudget;

  /** The sessions this client opens and seals requests in; null: every request is signed. */
  private ClientSessions sessions;

  public BulkClient(
      MessageSigner signer,
      Verifier verifier,
      Clock clock,
      Duration connectTimeout,
      Duration timeout,
      WireLimits limits) {
    this.signer = Objects.requireNonNull(signer);
    this.verifier = Objects.requireNonNull(verifier);
    this.clock = Objects.requireNonNull(clock);
    this.timeout = Objects.requireNonNull(timeout);
    this.limits = Objects.requireNonNull(limits);
    this.retryBudget = connectTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            // plain HTTP/1.1 with kept-alive connections: the JDK's default would try an h2c
            // upgrade
            // on every new connection, which Open Liberty answered with an FFDC ("stream was
            // already closed") and requests that hung under load (docs/PERFORMANCE.md, issue 16)
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(plainHttpOnly())
            .build();
  }

  /**
   * Opens a session (PROTOCOL.md §5a) with each node that accepts one and seals {@code describe},
   * {@code fetch}, {@code execute} and {@code call} there; a node that says it lost the session
   * ({@code WE5080}, {@code WE5081}, {@code WE5083}) gets the request again, signed.
   *
   * @param sessions sessions of this client's key, possibly shared with a {@link UdpClient}
   */
  public BulkClient withSessions(ClientSessions sessions) {
    if (!sessions.signer().fingerprint().equals(signer.fingerprint())) {
      throw new IllegalArgumentException("the sessions are another key's");
    }
    this.sessions = sessions;
    return this;
  }

  /**
   * The bulk channel is plain HTTP; the messages carry their own signatures. Without a context of
   * its own the JDK's client builds the default one at construction, reading and parsing every CA
   * certificate of the JDK, in every CLI run (≈ 110 classes more, docs/PERFORMANCE.md). This one
   * trusts no certificate, so an https:// base fails closed rather than unauthenticated.
   */
  private static SSLContext plainHttpOnly() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[0], null);
      return context;
    } catch (GeneralSecurityException unavailable) {
      throw new IllegalStateException("this JDK has no TLS context", unavailable);
    }
  }

  /**
   * Sends {@code message} to node {@code node} at {@code base} (e.g. {@code
   * http://10.0.0.5:22341}). An execute or call gets a request key; a request that is safe to
   * repeat (keyed, describe, fetch) is sent again, signed afresh with the same key, when the
   * connection fails (refused while the daemon restarts, reset mid-request), backing off with
   * jitter within the connect timeout.
   */
  public SignedMessage request(URI base, Fingerprint node, Message message) {
    Message keyed = RequestKey.keyed(message);
    if (sessions != null && Verifier.SESSION_REQUESTS.contains(keyed.type())) {
      var session = sessions.current(node);
      if (session.isEmpty() && sessions.shouldOffer(node)) {
        session = handshake(base, node);
      }
      if (session.isPresent()) {
        Header header = Header.fresh(Audience.node(node), clock.instant());
        try {
          return Replies.unwrap(
              send(base, node, header.id(), session.get().seal(header, keyed)),
              base.resolve(PATH).toString());
        } catch (ProtocolException refused) {
          if (lostSession(refused)) {
            sessions.forget(node, session.get()); // and the request goes again, signed, below
          } else if (refused.reason() != Reason.TRANSPORT) {
            throw refused; // a transport failure is retried below as a signed request's is
          }
        }
      }
    }
    boolean repeatable =
        RequestKey.of(keyed).isPresent()
            || keyed instanceof Message.Describe
            || keyed instanceof Message.Fetch;
    long end = System.nanoTime() + retryBudget.toNanos();
    Backoff backoff =
        new Backoff(
            RetransmitTimer.INITIAL, retryBudget, java.util.concurrent.ThreadLocalRandom.current());
    for (int attempt = 1; ; attempt++) {
      try {
        return exchange(base, node, Header.fresh(Audience.node(node), clock.instant()), keyed);
      } catch (ProtocolException failed) {
        long wait = backoff.next().toNanos();
        if (!repeatable
            || failed.reason() != Reason.TRANSPORT
            || attempt >= UdpClient.MAX_ATTEMPTS
            || System.nanoTime() + wait - end > 0) {
          throw failed;
        }
        try {
          Thread.sleep(Duration.ofNanos(wait));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw failed;
        }
      }
    }
  }

  /** Whether a node refused a sealed request because it does not hold (or lost) its session. */
  private static boolean lostSession(ProtocolException refused) {
    String why = String.valueOf(refused.getMessage());
    return refused.reason() == Reason.REFUSED
        && (why.contains("HTTP 400: WE5080")
            || why.contains("HTTP 400: WE5081")
            || why.contains("HTTP 400: WE5083"));
  }

  /**
   * Opens a session with {@code node} now, by one signed handshake over HTTP, for a caller that
   * seals its own requests (a load generator); empty when it declines or fails.
   */
  public java.util.Optional<org.weverywhere.protocol.Session> openSession(
      URI base, Fingerprint node) {
    if (sessions == null) {
      throw new IllegalStateException("this client was made without sessions");
    }
    return handshake(base, node);
  }

  /** Offers {@code node} a session in a signed discover; empty when it declines or fails. */
  private java.util.Optional<org.weverywhere.protocol.Session> handshake(
      URI base, Fingerprint node) {
    ClientSessions.Offer offer = sessions.offer();
    Header header = Header.fresh(Audience.node(node), clock.instant());
    byte[] wire = signer.sign(header, offer.discover());
    try {
      return sessions.complete(
          node,
          offer,
          wire,
          Replies.unwrap(send(base, node, header.id(), wire), base.resolve(PATH).toString()));
    } catch (ProtocolException failed) {
      return java.util.Optional.empty();
    }
  }

  /** Like {@link #request} with a header of the caller's, e.g. one naming the group to charge. */
  public SignedMessage exchange(URI base, Fingerprint node, Header header, Message message) {
    return Replies.unwrap(verified(base, node, header, message), base.resolve(PATH).toString());
  }

  /**
   * One exchange, once: the verified reply of {@code node} to this request, an {@code error} reply
   * included (a load generator counts refusals by their code); transport failures and other signers
   * throw.
   */
  public SignedMessage verified(URI base, Fingerprint node, Header header, Message message) {
    return send(base, node, header.id(), signer.sign(header, message));
  }

  /**
   * As {@link #verified}, for a message the caller signed or sealed itself ({@code wire}, under
   * header id {@code id}); sealed replies open in the sessions given to {@link #withSessions}.
   */
  public SignedMessage verifiedWire(
      URI base, Fingerprint node, org.weverywhere.protocol.MessageId id, byte[] wire) {
    return send(base, node, id, wire);
  }

  /** The key this client signs requests with. */
  public MessageSigner signer() {
    return signer;
  }

  /** The limits replies are read and verified under. */
  public WireLimits limits() {
    return limits;
  }

  /** How long one exchange may take. */
  public Duration timeout() {
    return timeout;
  }

  /** How long opening a connection may take. */
  public Duration connectTimeout() {
    return retryBudget;
  }

  /** Sends signed or sealed bytes and verifies the reply; an {@code error} reply is returned. */
  private SignedMessage send(
      URI base, Fingerprint node, org.weverywhere.protocol.MessageId id, byte[] wire) {
    URI target = base.resolve(PATH);
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("Content-Type", MEDIA_TYPE)
            .header("Accept", MEDIA_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(wire))
            .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException slow) {
      throw new ProtocolException(
          Reason.NO_ANSWER, target + " did not answer within " + timeout.toMillis() + " ms", slow);
    } catch (IOException failed) {
      throw new ProtocolException(Reason.TRANSPORT, target + ": " + failed, failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(
          Reason.NO_ANSWER, target + ": interrupted while waiting", interrupted);
    }
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(limits.maxMessageBytes() + 1);
    } catch (IOException failed) {
      throw new ProtocolException(
          Reason.TRANSPORT, target + ": reading the reply: " + failed.getMessage(), failed);
    }
    return reply(target, node, id, response.statusCode(), body);
  }

  /**
   * The verified reply in an answer of {@code node} to request {@code id} got some other way (a
   * load generator's {@link BulkConnection}): a 200 carries it, an {@code error} reply included;
   * any other status, another signer or a reply to another request throws.
   */
  public SignedMessage reply(
      URI target,
      Fingerprint node,
      org.weverywhere.protocol.MessageId id,
      int status,
      byte[] body) {
    if (status != 200) {
      // A daemon says in plain text why it could not verify a request (e.g. "WE5007 ..."): keep it.
      String why =
          new String(body, 0, Math.min(body.length, 300), java.nio.charset.StandardCharsets.UTF_8)
              .lines()
              .findFirst()
              .map(line -> ": " + line.strip())
              .orElse("");
      throw new ProtocolException(Reason.REFUSED, target + " answered HTTP " + status + why);
    }
    SignedMessage reply =
        verifier.verify(
            body, body.length, limits, sessions == null ? Verifier.Sessions.NONE : sessions);
    if (!reply.fingerprint().equals(node)
        || !reply.header().replyTo().equals(java.util.Optional.of(id))) {
      throw new ProtocolException(
          Reason.REFUSED,
          target + " answered with a reply from another node or to another" + " request");
    }
    return reply;
  }
}
