package org.weverywhere.protocol;

import static org.weverywhere.protocol.CaseBytes.payload;
import static org.weverywhere.protocol.CaseBytes.sign;
import static org.weverywhere.protocol.CaseBytes.splice;

import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.weverywhere.protocol.Message.Call;
import org.weverywhere.protocol.Message.Execute;
import org.weverywhere.protocol.Message.LibraryTarget;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.ReceiverCases.Expect;
import org.weverywhere.protocol.SessionKeys.Direction;
import org.weverywhere.trust.Fingerprint;

/**
 * One message per rule of sessions (docs/PROTOCOL.md §5a), like {@link ReceiverCases} for signed
 * messages: each case opens the same session with one handshake (a signed discover offering it, the
 * node's signed announce accepting it, fixed ephemeral keys) and then holds one message that is
 * right in every way but the one its rule is about.
 */
public final class SessionCases {
  /** RFC 7748 §6.1's Alice private key: the client's ephemeral X25519 key (a public test key). */
  public static final String CLIENT_EPHEMERAL =
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";

  /** RFC 7748 §6.1's Bob private key: the node's ephemeral X25519 key (a public test key). */
  public static final String NODE_EPHEMERAL =
      "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";

  /** The session id the node chose in every case. */
  public static final String SESSION_ID = "5e5510a0000000a1";

  /** The session's lifetime the node announced. */
  public static final long TTL_SECONDS = 600;

  private static final HexFormat HEX = HexFormat.of();

  /**
   * The handshake every case shares.
   *
   * @param discover the client's signed discover offering the session
   * @param announce the node's signed announce accepting it
   * @param opened when the node accepted it (it expires {@link #TTL_SECONDS} later)
   */
  public record Handshake(byte[] discover, byte[] announce, Instant opened) {}

  /**
   * One case.
   *
   * @param atNode received by the node (true), or by the client that opened the session (false)
   * @param now the receiver's clock
   * @param before sealed messages the receiver accepted first
   */
  public record Case(
      String name,
      String description,
      String transport,
      boolean atNode,
      Instant now,
      List<byte[]> before,
      byte[] wire,
      Expect expect) {
    public Case {
      before = List.copyOf(before);
    }
  }

  private final KeyPair client;
  private final KeyPair node;
  private final Fingerprint nodeId;
  private final Instant signedAt;
  private final Instant now;
  private final IntFunction<MessageId> ids;
  private final Handshake handshake;
  private final Session atNode;
  private final Session atClient;

  public SessionCases(
      KeyPair client,
      KeyPair node,
      Fingerprint nodeId,
      Instant signedAt,
      Instant now,
      IntFunction<MessageId> ids) {
    this.client = client;
    this.node = node;
    this.nodeId = nodeId;
    this.signedAt = signedAt;
    this.now = now;
    this.ids = ids;
    KeyPair clientEphemeral = SessionKeys.ephemeral(HEX.parseHex(CLIENT_EPHEMERAL));
    KeyPair nodeEphemeral = SessionKeys.ephemeral(HEX.parseHex(NODE_EPHEMERAL));
    Header offer = header(100, Audience.node(nodeId), signedAt);
    byte[] discover =
        sign(
            client,
            offer,
            new Message.Discover(
                Optional.of(
                    new Message.SessionHello(SessionKeys.raw(clientEphemeral.getPublic())))));
    byte[] id = HEX.parseHex(SESSION_ID);
    Header answer =
        new Header(
            Header.VERSION,
            ids.apply(101),
            signedAt,
            Audience.ANY,
            Optional.of(offer.id()),
            Optional.empty());
    byte[] announce =
        sign(
            node,
            answer,
            new Message.Announce("node-a", 22341, List.of("math"), List.of(), List.of("session"))
                .withSession(
                    new Message.SessionWelcome(
                        id, SessionKeys.raw(nodeEphemeral.getPublic()), TTL_SECONDS)));
    this.handshake = new Handshake(discover, announce, signedAt);
    var verifiedDiscover = opened(discover, true);
    var verifiedAnnounce = opened(announce, false);
    this.atNode =
        Session.accept(
            verifiedDiscover,
            discover,
            nodeEphemeral,
            id,
            node.getPublic(),
            signedAt.plusSeconds(TTL_SECONDS));
    this.atClient =
        Session.complete(clientEphemeral, discover, client.getPublic(), verifiedAnnounce, signedAt);
  }

  /** The handshake that opens the session of every case. */
  public Handshake handshake() {
    return handshake;
  }

  /** The node's end of the session, as a receiver rebuilds it from the handshake. */
  Session nodeSession() {
    return atNode;
  }

  /** Both directions' keys, which the vectors list so that a key schedule can be checked alone. */
  public Map<String, Map<String, String>> keys() {
    Map<String, Map<String, String>> keys = new LinkedHashMap<>();
    for (Direction d : Direction.values()) {
      var k = atNode.keys().of(d);
      Map<String, String> one = new LinkedHashMap<>();
      one.put("key", HEX.formatHex(k.key()));
      one.put("iv", HEX.formatHex(k.iv()));
      keys.put(d.label(), one);
    }
    return keys;
  }

  /** Every case. */
  public List<Case> all() {
    List<Case> v = new ArrayList<>();
    Message add =
        new Execute(
            new LibraryTarget("math"),
            new Call("add", List.of(WasmValue.i32(2), WasmValue.i32(40))));
    Header toNode = header(110, Audience.node(nodeId), signedAt);
    byte[] execute = seal(toNode, add, 0, Direction.TO_NODE);

    v.add(
        new Case(
            "valid-session-discover",
            "The handshake's first half: a signed discover whose body offers a session with the"
                + " client's ephemeral X25519 key (feature session, §5a).",
            "udp",
            true,
            now,
            List.of(),
            handshake.discover(),
            new Expect.Valid("discover")));
    v.add(
        new Case(
            "valid-session-announce",
            "The handshake's second half, checked by the client: the node's signed announce"
                + " answering the discover (re), accepting the session: its id, the node's"
                + " ephemeral X25519 key and the lifetime in seconds.",
            "udp",
            false,
            now,
            List.of(),
            handshake.announce(),
            new Expect.Valid("announce")));
    v.add(
        valid(
            "valid-sealed-execute",
            "math.add(2, 40) sealed in the session: COSE_Encrypt0, ChaCha20/Poly1305, counter 0."
                + " The requester is the key that signed the handshake.",
            execute,
            true,
            List.of()));
    Header reply =
        new Header(
            Header.VERSION,
            ids.apply(111),
            signedAt,
            Audience.ANY,
            Optional.of(toNode.id()),
            Optional.empty());
    Message result =
        new Message.Result(
            "completed",
            0,
            new byte[0],
            new byte[0],
            List.of(WasmValue.i32(42)),
            9000,
            0,
            0,
            List.of());
    v.add(
        valid(
            "valid-sealed-result",
            "The node's reply, sealed in the other direction with the node's own counter 0, checked"
                + " by the client.",
            seal(reply, result, 0, Direction.TO_CLIENT),
            false,
            List.of()));
    v.add(
        valid(
            "valid-sealed-reordered",
            "Counter 3 after counter 5 was accepted: datagrams reordered within the window of 1024"
                + " pass.",
            seal(header(112, Audience.node(nodeId), signedAt), add, 3, Direction.TO_NODE),
            true,
            List.of(
                seal(header(113, Audience.node(nodeId), signedAt), add, 5, Direction.TO_NODE))));
    v.add(
        rejected(
            "sealed-replayed",
            "The sealed execute again, after it was accepted: its counter was seen.",
            execute,
            List.of(execute),
            Reason.SESSION_REPLAYED));
    v.add(
        rejected(
            "sealed-too-old",
            "Counter 5 after counter 1100 was accepted: older than the window of 1024, refused"
                + " though never seen.",
            seal(header(114, Audience.node(nodeId), signedAt), add, 5, Direction.TO_NODE),
            List.of(
                seal(header(115, Audience.node(nodeId), signedAt), add, 1100, Direction.TO_NODE)),
            Reason.SESSION_REPLAYED));
    byte[] tampered = execute.clone();
    tampered[tampered.length - 1] ^= 0x01;
    v.add(
        rejected(
            "sealed-bad-mac",
            "The sealed execute with the last bit of its tag flipped.",
            tampered,
            List.of(),
            Reason.SESSION_BAD_MAC));
    v.add(
        rejected(
            "sealed-bad-mac-before-replayed",
            "An altered copy of a message whose counter was accepted: it does not authenticate, and"
                + " that is reported before the replay.",
            tampered,
            List.of(execute),
            Reason.SESSION_BAD_MAC));
    v.add(
        rejected(
            "sealed-wrong-direction",
            "A request sealed with the node-to-client key: the node opens with the other key, so it"
                + " does not authenticate.",
            seal(header(116, Audience.node(nodeId), signedAt), add, 0, Direction.TO_CLIENT),
            List.of(),
            Reason.SESSION_BAD_MAC));
    byte[] unknown = execute.clone();
    unknown[10] ^= 0x01; // the first byte of the session id
    v.add(
        rejected(
            "sealed-unknown-session",
            "A session id the node does not hold (the right one with one bit changed): unknown"
                + " before anything is decrypted, as after a restart or with a forged id.",
            unknown,
            List.of(),
            Reason.SESSION_UNKNOWN));
    v.add(
        new Case(
            "sealed-expired",
            "The sealed execute received after the session's lifetime (600 s after it opened).",
            "udp",
            true,
            signedAt.plusSeconds(TTL_SECONDS),
            List.of(),
            execute,
            new Expect.Rejected(Reason.SESSION_EXPIRED)));
    v.add(
        rejected(
            "sealed-control-not-allowed",
            "A control request sealed in the session: control (like discover) is always signed.",
            seal(
                header(117, Audience.node(nodeId), signedAt),
                new Message.Control("status", Map.of()),
                1,
                Direction.TO_NODE),
            List.of(),
            Reason.SESSION_NOT_ALLOWED));
    v.add(
        rejected(
            "sealed-stale",
            "A sealed execute stamped 31 s before the receiver's clock.",
            seal(
                header(118, Audience.node(nodeId), now.minus(ReceiverCases.STALE_BY)),
                add,
                2,
                Direction.TO_NODE),
            List.of(),
            Reason.STALE));
    v.add(
        rejected(
            "sealed-wrong-audience",
            "A sealed execute addressed to any: a sealed request must name the node.",
            seal(header(119, Audience.ANY, signedAt), add, 2, Direction.TO_NODE),
            List.of(),
            Reason.WRONG_AUDIENCE));
    Map<String, Object> floatPayload = payload(header(120, Audience.node(nodeId), signedAt), add);
    byte[] withFloat =
        splice(
            Cbor.encode(floatPayload),
            Cbor.encode(floatPayload.get("ts")),
            HEX.parseHex("fb3ff0000000000000"));
    v.add(
        rejected(
            "sealed-payload-float",
            "A sealed payload that authenticates but holds a float where ts is: the payload rules"
                + " of §3 apply after decryption.",
            atClient.seal(withFloat, 2, Direction.TO_NODE),
            List.of(),
            Reason.MALFORMED));
    v.add(
        rejected(
            "sealed-unknown-algorithm",
            "The protected header says algorithm 3 (A256GCM) instead of 24 (ChaCha20/Poly1305).",
            shortAlg(execute),
            List.of(),
            Reason.UNKNOWN_ALGORITHM));
    v.add(
        rejected(
            "sealed-truncated",
            "The sealed execute cut 20 bytes short.",
            Arrays.copyOf(execute, execute.length - 20),
            List.of(),
            Reason.TRUNCATED));
    v.add(
        rejected(
            "sealed-unprotected-not-empty",
            "A sealed execute whose unprotected header is not the empty map.",
            unprotected(execute),
            List.of(),
            Reason.MALFORMED));
    return v;
  }

  /** {@code wire} with the protected header's {@code 1: 24} written as {@code 1: 3}. */
  private static byte[] shortAlg(byte[] wire) {
    // d0 83 58 18 a3 01 18 18 ...: a header of 23 bytes now, {1: 3, 4: ..., 6: ...}
    byte[] header = Arrays.copyOfRange(wire, 4, 4 + Sealed.HEADER_BYTES);
    var out = new java.io.ByteArrayOutputStream();
    out.write(0xd0);
    out.write(0x83);
    out.write(0x40 + Sealed.HEADER_BYTES - 1);
    out.write(0xa3);
    out.write(0x01);
    out.write(0x03);
    out.write(header, 4, header.length - 4);
    out.write(wire, 4 + Sealed.HEADER_BYTES, wire.length - 4 - Sealed.HEADER_BYTES);
    return out.toByteArray();
  }

  /** {@code wire} with {@code {"x": 0}} as its unprotected header. */
  private static byte[] unprotected(byte[] wire) {
    int at = 4 + Sealed.HEADER_BYTES;
    var out = new java.io.ByteArrayOutputStream();
    out.write(wire, 0, at);
    out.writeBytes(HEX.parseHex("a1617800"));
    out.write(wire, at + 1, wire.length - at - 1);
    return out.toByteArray();
  }

  private Case valid(
      String name, String description, byte[] wire, boolean atNodeSide, List<byte[]> before) {
    Session s = atNodeSide ? atNode : atClient;
    Sealed.Parts parts = Sealed.open(wire, wire.length, WireLimits.HTTP);
    String type = MessageCodec.decode(s.open(parts), WireLimits.HTTP).message().type();
    return new Case(
        name, description, "udp", atNodeSide, now, before, wire, new Expect.Valid(type));
  }

  private Case rejected(
      String name, String description, byte[] wire, List<byte[]> before, Reason reason) {
    return new Case(name, description, "udp", true, now, before, wire, new Expect.Rejected(reason));
  }

  private byte[] seal(Header header, Message message, long counter, Direction direction) {
    return atClient.seal(MessageCodec.encode(header, message), counter, direction);
  }

  /** The session's node end, rebuilt by a receiver from a case's handshake (for the vectors). */
  public static Session nodeSession(
      Handshake handshake, KeyPair nodeKeys, Fingerprint nodeId, byte[] nodeEphemeralScalar) {
    var discover =
        new Verifier(
                java.time.Clock.fixed(handshake.opened(), java.time.ZoneOffset.UTC),
                Verifier.DEFAULT_WINDOW,
                new ReplayCache(Verifier.DEFAULT_WINDOW, 16),
                Optional.of(nodeId))
            .verify(handshake.discover(), WireLimits.UDP);
    Message.Announce announce =
        (Message.Announce)
            MessageCodec.decode(
                    Sign1.open(handshake.announce(), handshake.announce().length, WireLimits.UDP)
                        .payload(),
                    WireLimits.UDP)
                .message();
    var welcome = announce.session().orElseThrow();
    return Session.accept(
        discover,
        handshake.discover(),
        SessionKeys.ephemeral(nodeEphemeralScalar),
        welcome.id(),
        nodeKeys.getPublic(),
        handshake.opened().plusSeconds(welcome.ttlSeconds()));
  }

  /** The session's client end, rebuilt by a receiver from a case's handshake. */
  public static Session clientSession(
      Handshake handshake, KeyPair clientKeys, byte[] clientEphemeralScalar) {
    var announce =
        new Verifier(
                java.time.Clock.fixed(handshake.opened(), java.time.ZoneOffset.UTC),
                Verifier.DEFAULT_WINDOW,
                new ReplayCache(Verifier.DEFAULT_WINDOW, 16),
                Optional.empty())
            .verify(handshake.announce(), WireLimits.UDP);
    return Session.complete(
        SessionKeys.ephemeral(clientEphemeralScalar),
        handshake.discover(),
        clientKeys.getPublic(),
        announce,
        handshake.opened());
  }

  private SignedMessage opened(byte[] wire, boolean byNode) {
    return new Verifier(
            java.time.Clock.fixed(signedAt, java.time.ZoneOffset.UTC),
            Verifier.DEFAULT_WINDOW,
            new ReplayCache(Verifier.DEFAULT_WINDOW, 16),
            byNode ? Optional.of(nodeId) : Optional.empty())
        .verify(wire, WireLimits.UDP);
  }

  private Header header(int n, Audience audience, Instant at) {
    return new Header(
        Header.VERSION, ids.apply(n), at, audience, Optional.empty(), Optional.empty());
  }
}
