package org.weverywhere.daemon.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.weverywhere.ErrorCode;
import org.weverywhere.host.Failures;
import org.weverywhere.protocol.EnvelopeHead;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.traffic.FairSlots;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.traffic.TrafficLedger;

/**
 * One exchange on the HTTP bulk channel, whatever serves it (Liberty's {@link BulkResource}, or the
 * JDK's HTTP server in tests): a body in, a reply out, and nothing one body does escapes as a 500.
 * Before the signature is checked a body meets its source's rate (the same limiter as UDP; one of
 * its own when its head names a Signature Group's key, as for datagrams) and the memory budget of
 * unverified bodies; after, its group's fair share of work slots; a module sent back is paced by
 * the group's traffic rate.
 *
 * <p>A large body is judged by its head first ({@link EnvelopeHead}): one that cannot verify, or
 * that names a key in no Signature Group while its source is over {@code
 * http.unverified.stranger-rate}, is refused before the rest is read, and its connection closed
 * rather than drained. A stranger's {@code describe} meets its source's {@code
 * network.describe-rate} once verified.
 *
 * <p>Unverified bodies get a bare status (400 unverifiable, 413 too large, 429 source over its
 * rate, 503 budget full, with Retry-After); verified ones always get a signed reply, a failure
 * inside the daemon included ({@code WE5050}), except a stranger's describe over its source's rate
 * (429: answering it is the cost being limited).
 */
public final class BulkExchange {
  private static final Logger LOG = Logger.getLogger(BulkExchange.class.getName());

  /** A body sent without a length is read in steps of this size, each reserved first. */
  private static final int STEP = 64 * 1024;

  /** Replies are written in chunks of this size, each paced by the traffic quota. */
  private static final int CHUNK = 64 * 1024;

  static final String RETRY_AFTER_SECONDS = "1";

  /**
   * Bodies from this size on are judged by their head before the rest is read: below it, reading
   * the whole costs about what judging it would.
   */
  static final int HEAD_CHECKED_FROM = 64 * 1024;

  /** On a refusal sent before the body was read: the rest is not worth reading to keep the link. */
  private static final Map<String, String> CLOSE = Map.of("Connection", "close");

  /** The header on every answer naming the protocol versions this node speaks (PROTOCOL.md §1). */
  public static final String VERSIONS_HEADER = "WEverywhere-Versions";

  /** Its value: the versions this node speaks. */
  public static final String VERSIONS = String.valueOf(Header.VERSION);

  static final String TEXT = "text/plain; charset=utf-8";

  private final Verifier verifier;
  private final RequestHandler handler;
  private final MessageSigner signer;
  private final SourceLimiter sources;

  /**
   * The per-source rate of bodies whose head names a Signature Group's key: a budget of its own, as
   * for datagrams, so that strangers flooding from the same address (every local client is
   * 127.0.0.1, a NAT hides many) do not use up a trusted key's.
   */
  private final SourceLimiter memberSources;

  private final BodyBudget budget;
  private final FairSlots work;
  private final TrafficLedger traffic;
  private final SessionHandshake sessions;
  private final StrangerLimits strangers;
  private final Failures failures =
      new Failures("HTTP bulk channel", LOG, Duration.ofMinutes(1), System::nanoTime);

  BulkExchange(
      Verifier verifier,
      RequestHandler handler,
      MessageSigner signer,
      SourceLimiter sources,
      BodyBudget budget,
      FairSlots work,
      TrafficLedger traffic) {
    this(
        verifier,
        handler,
        signer,
        sources,
        sources,
        budget,
        work,
        traffic,
        SessionHandshake.NONE,
        StrangerLimits.none());
  }

  BulkExchange(
      Verifier verifier,
      RequestHandler handler,
      MessageSigner signer,
      SourceLimiter sources,
      SourceLimiter memberSources,
      BodyBudget budget,
      FairSlots work,
      TrafficLedger traffic,
      SessionHandshake sessions,
      StrangerLimits strangers) {
    this.sessions = sessions;
    this.strangers = strangers;
    this.verifier = verifier;
    this.handler = handler;
    this.signer = signer;
    this.sources = sources;
    this.memberSources = memberSources;
    this.budget = budget;
    this.work = work;
    this.traffic = traffic;
  }

  /**
   * What to send back: a status, its content type and headers, and the body (paced when it is a
   * module). A {@code holdable} reply refuses a body that names no Signature Group's key before it
   * was read: its carrier may send it later ({@link HeldRefusals}).
   */
  public record Reply(
      int status,
      String type,
      Map<String, String> headers,
      byte[] body,
      Optional<Pace> pace,
      boolean holdable) {
    public Reply {
      var all = new java.util.LinkedHashMap<>(headers);
      all.put(VERSIONS_HEADER, VERSIONS);
      headers = Map.copyOf(all);
    }

    /** This refusal, marked as one its carrier may hold back. */
    Reply held() {
      return new Reply(status, type, headers, body, pace, true);
    }

    /**
     * A one-line answer to a body that could not be verified: {@code WEnnnn message}, no line
     * breaks inside.
     */
    static Reply text(int status, ErrorCode code, String message, Map<String, String> headers) {
      return new Reply(
          status,
          TEXT,
          headers,
          (code.code() + " " + message.replace('\n', ' ').replace('\r', ' ') + "\n")
              .getBytes(StandardCharsets.UTF_8),
          Optional.empty(),
          false);
    }

    /** Writes the body, chunk by chunk at the pace of its group's traffic quota. */
    public void writeTo(OutputStream out) throws IOException {
      if (pace.isEmpty()) {
        out.write(body);
        return;
      }
      for (int at = 0; at < body.length; at += CHUNK) {
        int n = Math.min(CHUNK, body.length - at);
        long wait = pace.get().traffic().pace(pace.get().group(), n);
        if (wait > 0) {
          try {
            Thread.sleep(Duration.ofNanos(wait));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pacing a reply", e);
          }
        }
        out.write(body, at, n);
      }
    }
  }

  /**
   * A reply sent at its group's traffic rate (its bytes were reserved when the request was
   * admitted).
   */
  public record Pace(TrafficLedger traffic, String group) {}

  /**
   * Answers one body.
   *
   * @param contentLength the declared length, or -1 when the body says none (chunked)
   */
  public Reply exchange(InetAddress source, long contentLength, InputStream body) {
    return exchange(source, contentLength, body, HttpRequestTimeline.NONE);
  }

  /**
   * As {@link #exchange(InetAddress, long, InputStream)}, passing each stage on {@code timeline}.
   */
  Reply exchange(
      InetAddress source, long contentLength, InputStream body, HttpRequestTimeline timeline) {
    int limit = WireLimits.HTTP.maxMessageBytes();
    if (contentLength > limit) {
      return Reply.text(
          413,
          ErrorCode.PROTOCOL_OVERSIZED,
          "a body of " + contentLength + " bytes; at most " + limit + " are read",
          CLOSE);
    }
    // the head names the key whose budget the body is counted in: read before the source's rate,
    // it costs 83 bytes, and a stranger's flood from the same address cannot refuse a member
    byte[] head = new byte[0];
    EnvelopeHead.Claim claim = null;
    ProtocolException badHead = null;
    if (contentLength > 0) {
      try {
        head = readHead(body, (int) Math.min(EnvelopeHead.BYTES, contentLength));
        claim = EnvelopeHead.read(head, head.length, contentLength);
      } catch (ProtocolException refused) {
        badHead = refused;
      } catch (IOException e) {
        return unreadable(e);
      }
    }
    boolean member = claim != null && isMember(claim);
    if (!(member ? memberSources : sources).allow(source)) {
      return unread(
          member,
          Reply.text(
              429,
              ErrorCode.PROTOCOL_SOURCE_RATE,
              "too many requests from " + source.getHostAddress() + "; slow down",
              closing(Map.of("Retry-After", RETRY_AFTER_SECONDS))));
    }
    if (contentLength >= HEAD_CHECKED_FROM) {
      if (badHead != null) { // a small body's is left to the verifier, which says more
        return Reply.text(400, badHead.code(), badHead.getMessage(), CLOSE).held();
      }
      long wait = member ? 0 : strangers.largeBodies().admit(source, contentLength);
      if (wait > 0) {
        return Reply.text(
                429,
                ErrorCode.PROTOCOL_UNVERIFIED_RATE,
                source.getHostAddress()
                    + " sends large bodies naming keys in no Signature Group faster than"
                    + " http.unverified.stranger-rate; retry later",
                closing(
                    Map.of(
                        "Retry-After",
                        Long.toString(Math.max(1, (wait + 999_999_999) / 1_000_000_000)))))
            .held();
      }
    }
    Optional<BodyBudget.Grant> room =
        budget.reserve(source, contentLength >= 0 ? contentLength : STEP, member);
    if (room.isEmpty()) {
      return unread(member, busy());
    }
    SignedMessage request;
    byte[] wire;
    try (BodyBudget.Grant grant = room.get()) {
      Body read =
          contentLength >= 0
              ? readExactly(body, (int) contentLength, head)
              : readChunked(body, grant, limit);
      if (read.refusal() != null) {
        return read.refusal();
      }
      timeline.read();
      request = verifier.verify(read.bytes(), read.length(), WireLimits.HTTP, sessions.sessions());
      timeline.verified(request.message().type(), request.session().isPresent());
      // a discover offering a session: the key schedule binds its bytes (they are small)
      wire =
          request.message() instanceof Message.Discover
              ? java.util.Arrays.copyOf(read.bytes(), read.length())
              : null;
    } catch (ProtocolException refused) {
      return Reply.text(400, refused.code(), refused.getMessage(), Map.of());
    } catch (IOException e) {
      return unreadable(e);
    } catch (RuntimeException e) { // decoding a stranger's bytes must never reach the 500 page
      failures.failed("an unverifiable body from " + source.getHostAddress() + " failed", e);
      return Reply.text(
          400, ErrorCode.PROTOCOL_MALFORMED, "the body could not be decoded", Map.of());
    }
    return answer(request, wire, source, timeline);
  }

  /**
   * The first {@code bytes} bytes of a body (fewer if it ends sooner). Never asks the stream for
   * zero bytes, as {@code readNBytes} does once it has them: Liberty's servlet stream then waits
   * for more, which a sender of only a head never sends.
   */
  private static byte[] readHead(InputStream in, int bytes) throws IOException {
    byte[] head = new byte[bytes];
    int got = 0;
    while (got < head.length) {
      int n = in.read(head, got, head.length - got);
      if (n < 0) {
        break;
      }
      got += n;
    }
    return got == head.length ? head : java.util.Arrays.copyOf(head, got);
  }

  private static Reply unreadable(IOException e) {
    return Reply.text(
        400,
        ErrorCode.PROTOCOL_TRANSPORT,
        "the body could not be read: " + e.getMessage(),
        Map.of());
  }

  /** Whether a body's claimed sender (unchecked) is a Signature Group's key. */
  private boolean isMember(EnvelopeHead.Claim claim) {
    return switch (claim) {
      case EnvelopeHead.SignedBy signed -> strangers.isMember().test(signed.signer());
      case EnvelopeHead.InSession sealed ->
          sessions.ownerOf(sealed.sessionId()).map(strangers.isMember()::test).orElse(false);
    };
  }

  /**
   * A refusal sent before the body was read: a stranger's may be held back ({@link HeldRefusals}),
   * a member's is sent at once.
   */
  private static Reply unread(boolean member, Reply refusal) {
    return member ? refusal : refusal.held();
  }

  private static Map<String, String> closing(Map<String, String> headers) {
    var all = new java.util.HashMap<>(headers);
    all.putAll(CLOSE);
    return all;
  }

  private Reply busy() {
    return Reply.text(
        503,
        ErrorCode.PROTOCOL_BODY_BUDGET,
        "unverified request bodies fill their memory budget "
            + "(http.unverified.max-total) or this source sends too many large ones at once; retry later",
        closing(Map.of("Retry-After", RETRY_AFTER_SECONDS)));
  }

  private record Body(byte[] bytes, int length, Reply refusal) {}

  /**
   * Reads a body of a declared length, whose {@code head} was read already, into one array of that
   * length: the only copy made.
   */
  private static Body readExactly(InputStream in, int length, byte[] head) throws IOException {
    byte[] bytes = new byte[length];
    System.arraycopy(head, 0, bytes, 0, head.length);
    int read = head.length + in.readNBytes(bytes, head.length, length - head.length);
    if (read < length) {
      throw new IOException(
          "the body ended after " + read + " of its " + length + " declared bytes");
    }
    return new Body(bytes, length, null);
  }

  /** Reads a body without a declared length, reserving room before each step. */
  private Body readChunked(InputStream in, BodyBudget.Grant grant, int limit) throws IOException {
    byte[] bytes = new byte[STEP];
    int length = 0;
    while (true) {
      if (length == bytes.length) {
        if (length > limit) {
          return new Body(
              null,
              0,
              Reply.text(
                  413,
                  ErrorCode.PROTOCOL_OVERSIZED,
                  "a body of more than " + limit + " bytes",
                  Map.of()));
        }
        int next = (int) Math.min((long) bytes.length * 2, limit + 1L);
        if (!grant.growTo(next)) {
          return new Body(null, 0, busy());
        }
        bytes = java.util.Arrays.copyOf(bytes, next);
      }
      int n = in.read(bytes, length, bytes.length - length);
      if (n < 0) {
        return new Body(bytes, length, null);
      }
      length += n;
    }
  }

  /**
   * The signed reply to a verified request; nothing thrown inside the daemon escapes unsigned. The
   * reply is signed while the journal syncs its event, as on UDP, and returned only once the event
   * is on disk (a journal that cannot write turns it into an error reply).
   */
  private Reply answer(
      SignedMessage request, byte[] wire, InetAddress source, HttpRequestTimeline timeline) {
    Message message = request.message();
    boolean isWork = !(message instanceof Message.Discover || message instanceof Message.Describe);
    String group = handler.groupOf(request);
    if (message instanceof Message.Describe
        && !strangers.isMember().test(request.fingerprint())
        && !strangers.describes().allow(source)) {
      return Reply.text(
          429,
          ErrorCode.PROTOCOL_DESCRIBE_RATE,
          source.getHostAddress()
              + " asks describe for keys in no Signature Group faster than network.describe-rate;"
              + " retry later",
          Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
    if (isWork && !work.tryAcquire(group)) {
      return signed(
          request,
          RequestHandler.error(
              ErrorCode.PROTOCOL_GROUP_BUSY,
              "group '"
                  + group
                  + "' holds its share of this daemon's request slots; retry when one of its requests has finished",
              Optional.empty()),
          Optional.empty());
    }
    try { // the slot is held until the event is on disk, as on UDP
      Message reply;
      RequestHandler.Answer answer;
      try {
        answer = handler.answer(request, RequestHandler.Transport.HTTP);
        reply =
            answer
                .reply()
                .orElseGet(
                    () ->
                        RequestHandler.error(
                            ErrorCode.PROTOCOL_UNKNOWN_TYPE,
                            message.type() + " is not a request",
                            Optional.empty()));
      } catch (RuntimeException e) {
        return signed(request, failed(message, e), Optional.empty());
      }
      timeline.handled();
      if (wire != null) {
        reply = sessions.answer(reply, request, wire, source, false);
      }
      Reply signed =
          signed(
              request,
              reply,
              reply instanceof Message.ModuleReply
                  ? Optional.of(new Pace(traffic, group))
                  : Optional.empty());
      timeline.signed();
      try {
        answer.whenRecorded();
      } catch (RuntimeException e) { // not on the bill: the result is not given
        return signed(request, failed(message, e), Optional.empty());
      }
      timeline.recorded();
      return signed;
    } finally {
      if (isWork) {
        work.release(group);
      }
    }
  }

  /** The error reply to a request that failed inside the daemon, counted by reason. */
  private Message failed(Message message, RuntimeException e) {
    failures.failed("a request (" + message.type() + ") failed", e);
    return RequestHandler.failure(message.type(), e);
  }

  private Reply signed(SignedMessage request, Message reply, Optional<Pace> pace) {
    byte[] bytes =
        SessionHandshake.wire(
            signer, request, Header.replyTo(request.header(), Clock.systemUTC().instant()), reply);
    return new Reply(200, BulkResource.MEDIA_TYPE, Map.of(), bytes, pace, false);
  }

  /** Exchanges that failed inside the daemon (not refusals), by reason. */
  public Map<String, Long> failures() {
    return failures.counts();
  }
}
