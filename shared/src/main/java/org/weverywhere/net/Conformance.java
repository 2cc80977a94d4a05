package org.weverywhere.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageId;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.ReceiverCases;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Fingerprint;

/**
 * Runs the receiver cases of docs/protocol-vectors against a live daemon of any implementation,
 * over UDP and over HTTP, and says for each rule whether the daemon honoured it. Every message is
 * signed afresh just before it is sent (a throwaway key, new ids, the current time), so the rule a
 * case is about is the only thing wrong with it.
 *
 * <p>What counts as honouring a rule (docs/PROTOCOL.md §1, §5, §7): a message the verifier must
 * accept gets a signed reply from the node, {@code re} = its id, whatever the reply says (a
 * throwaway key may well be refused later, by authorisation); one it must reject gets no answer
 * over UDP and {@code 400} (or {@code 413}) over HTTP with a body that starts with the code; one
 * refused after verification gets a signed {@code error} with the code. Every HTTP answer names the
 * versions spoken in {@code WEverywhere-Versions}.
 */
public final class Conformance {
  /** The response header of the bulk channel that lists the protocol versions a node speaks. */
  public static final String VERSIONS_HEADER = "WEverywhere-Versions";

  /** One rule on one transport. */
  public record CaseOutcome(
      String rule, String transport, boolean passed, String expected, String got) {}

  /** How many times the timeout an answer that must come is waited for (silence: once). */
  private static final int ANSWER_FACTOR = 10;

  private final KeyPair key;
  private final Fingerprint node;
  private final InetSocketAddress udp;
  private final URI http;
  private final Duration timeout;
  private final Clock clock;
  private final Verifier replies;

  /**
   * @param key the throwaway key that signs every case
   * @param node the daemon's node id (learnt from its announce)
   * @param udp its UDP address
   * @param http its bulk channel, e.g. {@code http://127.0.0.1:22341}
   * @param timeout how long to wait for an answer (and, over UDP, to be sure none comes)
   */
  public Conformance(
      KeyPair key,
      Fingerprint node,
      InetSocketAddress udp,
      URI http,
      Duration timeout,
      Clock clock) {
    this.key = key;
    this.node = node;
    this.udp = udp;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
    this.replies =
        new Verifier(
            clock,
            Verifier.DEFAULT_WINDOW,
            new ReplayCache(Verifier.DEFAULT_WINDOW, 4096),
            Optional.empty());
  }

  /**
   * The names of the cases a live daemon can be asked, in order, with the transports that apply.
   */
  public List<CaseOutcome> run() {
    List<CaseOutcome> outcomes = new ArrayList<>();
    for (ReceiverCases.Case c : build(new HashMap<>())) {
      if (!c.atNode() || c.live() == ReceiverCases.Live.NONE) {
        continue;
      }
      if (c.live() != ReceiverCases.Live.HTTP) {
        outcomes.add(overUdp(c.name()));
      }
      if (c.live() != ReceiverCases.Live.UDP) {
        outcomes.add(overHttp(c.name()));
      }
    }
    outcomes.add(contentType());
    return outcomes;
  }

  /**
   * How many vectors cannot be run live: a client's rules, or rules that need the receiver's
   * settings.
   */
  public static List<String> notLive() {
    return new ReceiverCases(
            org.weverywhere.trust.Ed25519.generate(),
            null,
            new Fingerprint(new byte[32]),
            Instant.EPOCH,
            Instant.EPOCH,
            n -> MessageId.random())
        .all().stream()
            .filter(c -> !c.atNode() || c.live() == ReceiverCases.Live.NONE)
            .map(ReceiverCases.Case::name)
            .toList();
  }

  /**
   * The cases signed now, with ids of their own (the same number gives the same id within one
   * build).
   */
  private List<ReceiverCases.Case> build(Map<Integer, MessageId> ids) {
    Instant now = clock.instant();
    return new ReceiverCases(
            key, null, node, now, now, n -> ids.computeIfAbsent(n, unused -> MessageId.random()))
        .all();
  }

  private ReceiverCases.Case fresh(String name, Map<Integer, MessageId> ids) {
    return build(ids).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  // ---- UDP ----

  private CaseOutcome overUdp(String name) {
    Map<Integer, MessageId> ids = new HashMap<>();
    ReceiverCases.Case c = fresh(name, ids);
    String expected = expected(c, "udp");
    try (DatagramChannel channel = DatagramChannel.open();
        Selector selector = Selector.open()) {
      channel.connect(udp);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      for (byte[] first : c.before()) {
        channel.write(ByteBuffer.wrap(first));
        receive(
            channel,
            selector,
            ids,
            timeout.multipliedBy(ANSWER_FACTOR)); // its answer is not what is checked
      }
      channel.write(ByteBuffer.wrap(c.wire()));
      // silence is waited for once; an answer that should come may take a run's time
      Optional<SignedMessage> reply =
          receive(
              channel,
              selector,
              ids,
              c.expect() instanceof ReceiverCases.Expect.Rejected
                  ? timeout
                  : timeout.multipliedBy(ANSWER_FACTOR));
      String got = reply.map(Conformance::describe).orElse("no answer");
      boolean passed =
          switch (c.expect()) {
            case ReceiverCases.Expect.Valid valid -> reply.isPresent();
            case ReceiverCases.Expect.Rejected rejected -> reply.isEmpty();
            case ReceiverCases.Expect.Refused refused ->
                reply.isPresent()
                    && reply.get().message() instanceof Message.ErrorReply error
                    && error.code().equals(refused.code());
          };
      return new CaseOutcome(name, "udp", passed, expected, got);
    } catch (IOException failed) {
      return new CaseOutcome(
          name, "udp", false, expected, "socket failure: " + failed.getMessage());
    }
  }

  /**
   * The first verified reply from the node to one of {@code ids} within the timeout; others are
   * skipped.
   */
  private Optional<SignedMessage> receive(
      DatagramChannel channel, Selector selector, Map<Integer, MessageId> ids, Duration wait)
      throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    for (int reads = 0; reads < 64; reads++) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0) {
        if (System.nanoTime() >= deadline) {
          return Optional.empty();
        }
        continue;
      }
      selector.selectedKeys().clear();
      buffer.clear();
      if (channel.receive(buffer) == null) {
        continue;
      }
      Optional<SignedMessage> reply =
          reply(java.util.Arrays.copyOf(buffer.array(), buffer.position()), ids);
      if (reply.isPresent()) {
        return reply;
      }
    }
    return Optional.empty();
  }

  /** {@code bytes} as a reply from the node to one of {@code ids}; empty for anything else. */
  private Optional<SignedMessage> reply(byte[] bytes, Map<Integer, MessageId> ids) {
    try {
      SignedMessage reply = replies.verify(bytes, WireLimits.HTTP);
      boolean ours = reply.header().replyTo().filter(ids::containsValue).isPresent();
      return reply.fingerprint().equals(node) && ours ? Optional.of(reply) : Optional.empty();
    } catch (ProtocolException unverifiable) {
      return Optional.empty();
    }
  }

  // ---- HTTP ----

  private record Answer(int status, String type, Optional<String> versions, byte[] body) {}

  private CaseOutcome overHttp(String name) {
    Map<Integer, MessageId> ids = new HashMap<>();
    ReceiverCases.Case c = fresh(name, ids);
    String expected = expected(c, "http");
    try {
      for (byte[] first : c.before()) {
        post(first, "application/cose");
      }
      Answer answer = post(c.wire(), "application/cose");
      String got;
      boolean passed;
      if (answer.status() == 200) {
        Optional<SignedMessage> reply = reply(answer.body(), ids);
        got =
            "200 "
                + reply
                    .map(Conformance::describe)
                    .orElse("with a body that is not a signed reply to it");
        passed =
            switch (c.expect()) {
              case ReceiverCases.Expect.Valid valid -> reply.isPresent();
              case ReceiverCases.Expect.Rejected rejected -> false;
              case ReceiverCases.Expect.Refused refused ->
                  reply.isPresent()
                      && reply.get().message() instanceof Message.ErrorReply error
                      && error.code().equals(refused.code());
            };
      } else {
        String line =
            new String(
                    answer.body(), 0, Math.min(answer.body().length, 200), StandardCharsets.UTF_8)
                .lines()
                .findFirst()
                .orElse("")
                .strip();
        got = answer.status() + (line.isEmpty() ? "" : " " + line);
        passed =
            c.expect() instanceof ReceiverCases.Expect.Rejected rejected
                && (answer.status() == 400
                    || answer.status() == 413 && rejected.reason() == Reason.OVERSIZED)
                && line.startsWith(rejected.reason().code().code());
      }
      if (answer.versions().isEmpty()) {
        got += " (no " + VERSIONS_HEADER + " header)";
        passed = false;
      }
      return new CaseOutcome(name, "http", passed, expected, got);
    } catch (IOException failed) {
      return new CaseOutcome(name, "http", false, expected, "HTTP failure: " + failed.getMessage());
    }
  }

  /** A body of another media type is not read as a message: 415. */
  private CaseOutcome contentType() {
    Map<Integer, MessageId> ids = new HashMap<>();
    byte[] discover = fresh("valid-discover", ids).wire();
    String expected = "415 (the body is not application/cose)";
    try {
      Answer answer = post(discover, "text/plain");
      return new CaseOutcome(
          "content-type",
          "http",
          answer.status() == 415,
          expected,
          String.valueOf(answer.status()));
    } catch (IOException failed) {
      return new CaseOutcome(
          "content-type", "http", false, expected, "HTTP failure: " + failed.getMessage());
    }
  }

  private Answer post(byte[] body, String type) throws IOException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout.multipliedBy(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(http.resolve(BulkClient.PATH))
            .timeout(timeout.multipliedBy(ANSWER_FACTOR))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] bytes;
      try (InputStream in = response.body()) {
        bytes = in.readNBytes(WireLimits.HTTP.maxMessageBytes() + 1);
      }
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().firstValue(VERSIONS_HEADER),
          bytes);
    } catch (HttpTimeoutException slow) {
      throw new IOException(
          "no answer within " + timeout.multipliedBy(ANSWER_FACTOR).toMillis() + " ms", slow);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", interrupted);
    }
  }

  // ---- words ----

  private static String expected(ReceiverCases.Case c, String transport) {
    return switch (c.expect()) {
      case ReceiverCases.Expect.Valid valid -> "accepted: a signed reply to this " + valid.type();
      case ReceiverCases.Expect.Rejected rejected ->
          transport.equals("udp")
              ? "rejected " + rejected.reason().code().code() + ": no answer"
              : "rejected: "
                  + (rejected.reason() == Reason.OVERSIZED ? "400/413 " : "400 ")
                  + rejected.reason().code().code();
      case ReceiverCases.Expect.Refused refused -> "refused: a signed error " + refused.code();
    };
  }

  private static String describe(SignedMessage reply) {
    return reply.message() instanceof Message.ErrorReply error
        ? "signed error " + error.code() + " (" + error.message() + ")"
        : "signed " + reply.message().type();
  }
}
