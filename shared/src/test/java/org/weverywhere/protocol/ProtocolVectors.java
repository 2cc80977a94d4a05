package org.weverywhere.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.weverywhere.protocol.Message.Call;
import org.weverywhere.protocol.Message.Execute;
import org.weverywhere.protocol.Message.LibraryTarget;
import org.weverywhere.protocol.Message.WasmValue;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Fingerprint;

/**
 * Builds the test vectors of docs/protocol-vectors from fixed keys, ids and times; Ed25519 and the
 * deterministic encoding make the output identical on every run. {@link #main} writes the files;
 * ProtocolVectorsTest checks the implementation against them and that they are current.
 */
final class ProtocolVectors {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant SIGNED_AT = NOW.minusSeconds(2);
  static final Path DIRECTORY = Path.of("docs", "protocol-vectors");

  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final KeyPair client = VectorKeys.fromSeed(VectorKeys.CLIENT_SEED);
  private final KeyPair node = VectorKeys.fromSeed(VectorKeys.NODE_SEED);
  private final Fingerprint nodeId = Fingerprint.of(node.getPublic());

  /** Every vector: file name (without .json) to its JSON tree. */
  Map<String, Map<String, Object>> all() {
    Map<String, Map<String, Object>> v = new LinkedHashMap<>();
    Header toNode = header(1, Audience.node(nodeId), SIGNED_AT).withGroup("friends");
    Message call = new Execute(new LibraryTarget("math"), new Call("add", List.of(WasmValue.i32(2), WasmValue.i32(40))));

    byte[] discover = sign(client, header(2, Audience.ANY, SIGNED_AT), new Message.Discover());
    v.put("valid-discover", valid("A client's multicast discover: empty body, audience any.", discover, "udp", true));
    byte[] execute = sign(client, toNode, call);
    v.put("valid-execute", valid("A typical request (about 270 bytes): call math.add(2, 40), addressed to the node,"
        + " charged to group friends.", execute, "udp", true));
    byte[] serviceCall = sign(client, header(11, Audience.node(nodeId), SIGNED_AT),
        new Message.ServiceCall("kv", "put", List.of(new WasmValue("i64", 7), new WasmValue("i64", 700))));
    v.put("valid-call", valid("A call of service kv's function put(7, 700), addressed to the node; the service's"
        + " instance keeps the value for later calls.", serviceCall, "udp", true));
    byte[] stringCall = sign(client, header(13, Audience.node(nodeId), SIGNED_AT),
        new Message.ServiceCall("text", "concat", List.of(WasmValue.string("Hello, "), WasmValue.string("wörld"))));
    v.put("valid-call-string", valid("A call of service text's function concat(\"Hello, \", \"wörld\"): string"
        + " values travel as [\"string\", text] (bytes as [\"bytes\", bytes]); see SERVICES.md.", stringCall, "udp",
        true));
    Header reply = new Header(1, id(3), SIGNED_AT, Audience.ANY, Optional.of(id(2)), Optional.empty());
    byte[] announce = sign(node, reply,
        new Message.Announce("lab-1", 22341, List.of("math", "hello"), List.of()));
    v.put("valid-announce", valid("The node's announce answering valid-discover (re = its id), checked by a client"
        + " (no node id of its own).", announce, "udp", false));

    Header control = header(11, Audience.node(nodeId), SIGNED_AT).withGroup("operators");
    v.put("valid-control", valid("A remote control request: set a group's quota (needs the control privilege),"
        + " charged to group operators.", sign(client, control, new Message.Control("set",
            Map.of("group.friends.quota.cores", "2"))), "udp", true));
    Header report = new Header(1, id(12), SIGNED_AT, Audience.ANY, Optional.of(id(11)), Optional.empty());
    v.put("valid-report", valid("The node's report answering valid-control: the keys it changed and those that"
        + " wait for a restart.", sign(node, report, new Message.Report("set",
            Map.of("changed", List.of("group.friends.quota.cores"), "restart", List.of(),
                "configuration", "/etc/weverywhere"))), "udp", false));

    byte[] flipped = execute.clone();
    flipped[flipped.length - 1] ^= 0x01;
    v.put("bad-signature", rejected("valid-execute with the last signature bit flipped.", flipped, "udp",
        Reason.BAD_SIGNATURE, List.of()));
    byte[] tampered = execute.clone();
    int at = indexOf(tampered, "add".getBytes());
    tampered[at] = 's';
    tampered[at + 1] = 'u';
    tampered[at + 2] = 'b';
    v.put("bad-signature-payload", rejected("valid-execute with the function name changed from add to sub after"
        + " signing.", tampered, "udp", Reason.BAD_SIGNATURE, List.of()));
    v.put("expired", rejected("Signed 31 s before the receiver's clock (window ±30 s).",
        sign(client, header(4, Audience.ANY, NOW.minusSeconds(31)), call), "udp", Reason.STALE, List.of()));
    v.put("future", rejected("Signed 31 s after the receiver's clock (window ±30 s).",
        sign(client, header(5, Audience.ANY, NOW.plusSeconds(31)), call), "udp", Reason.STALE, List.of()));
    v.put("replayed", rejected("valid-execute again, after the receiver accepted it once (acceptedBefore).",
        execute, "udp", Reason.REPLAYED, List.of(execute)));
    Fingerprint other = Fingerprint.of(client.getPublic());
    v.put("wrong-audience", rejected("Addressed to another node (the client's own fingerprint).",
        sign(client, header(6, Audience.node(other), SIGNED_AT), call), "udp", Reason.WRONG_AUDIENCE, List.of()));
    v.put("truncated", rejected("valid-execute cut 20 bytes short.",
        Arrays.copyOf(execute, execute.length - 20), "udp", Reason.TRUNCATED, List.of()));
    Message big = new Message.Control("publish", Map.of("note", "x".repeat(1000)));
    byte[] oversized = sign(client, header(7, Audience.ANY, SIGNED_AT), big);
    v.put("oversized", rejected("A correctly signed control message of " + oversized.length + " bytes sent as a"
        + " datagram: over the 1200-byte UDP limit.", oversized, "udp", Reason.OVERSIZED, List.of()));
    v.put("valid-oversized-over-http", valid("The same bytes as oversized, received on the HTTP bulk channel, where"
        + " they are fine.", oversized, "http", true));
    v.put("unknown-algorithm", rejected("Protected header says alg -7 (ES256).",
        withProtectedHeader(execute, HEX.parseHex("a10126")), "udp", Reason.UNKNOWN_ALGORITHM, List.of()));
    byte[] untagged = Arrays.copyOfRange(execute, 1, execute.length);
    v.put("untagged", rejected("valid-execute without its COSE_Sign1 tag 18.", untagged, "udp", Reason.MALFORMED,
        List.of()));
    Map<String, Object> deep = payload(header(8, Audience.ANY, SIGNED_AT), new Message.Discover());
    Object nested = List.of();
    for (int i = 0; i < 9; i++) {
      nested = List.of(nested);
    }
    deep.put("body", Map.of("x", nested));
    v.put("too-deep", rejected("A signed discover whose body nests arrays 10 deep (limit: 8 levels).",
        signPayload(client, deep), "udp", Reason.LIMIT, List.of()));
    Map<String, Object> v2 = payload(header(9, Audience.ANY, SIGNED_AT), new Message.Discover());
    v2.put("v", 2L);
    v.put("unsupported-version", rejected("A signed discover of protocol version 2.", signPayload(client, v2), "udp",
        Reason.UNSUPPORTED_VERSION, List.of()));
    Map<String, Object> unknown = payload(header(10, Audience.ANY, SIGNED_AT), new Message.Discover());
    unknown.put("t", "teleport");
    v.put("unknown-type", rejected("A signed message of type teleport.", signPayload(client, unknown), "udp",
        Reason.UNKNOWN_TYPE, List.of()));

    // paged describe: the second page asked for (cursor = the first page's next), padded to 400 bytes
    String cursor = "3a".repeat(32);
    byte[] page = sign(client, header(11, Audience.node(nodeId), SIGNED_AT),
        new Message.Describe(List.of("libraries"), Optional.of(cursor), 100));
    v.put("valid-describe-page", valid("The describe of a second page: cursor = the next of the first, and 100"
        + " bytes of pad, so that at " + page.length + " bytes it may get a whole datagram back (3x, at most 1200).", page,
        "udp", true));
    Header pageReply = new Header(1, id(12), SIGNED_AT, Audience.ANY, Optional.of(id(11)), Optional.empty());
    byte[] description = sign(node, pageReply, new Message.Description(Map.of(),
        List.of(new Message.Library("math", "1.0.0", HEX.parseHex("4b".repeat(32)), 1234,
            List.of("add (i32, i32) -> i32"))), List.of(), Optional.of("4b".repeat(32))));
    v.put("valid-description-page", valid("The node's page answering valid-describe-page: one library, and next ="
        + " its hash, where the page after starts.", description, "udp", false));
    Map<String, Object> badPad = payload(header(13, Audience.node(nodeId), SIGNED_AT),
        new Message.Describe(List.of()));
    badPad.put("body", Map.of("what", List.of(), "pad", "not bytes"));
    v.put("describe-pad-not-bytes", rejected("A describe whose pad is text: pad must be a byte string.",
        signPayload(client, badPad), "udp", Reason.MALFORMED, List.of()));

    // request keys (PROTOCOL.md §4b): the same rk on every attempt, a fresh id each time
    RequestKey key = new RequestKey(0x7265717565737421L, 0x6b65792d31323334L);
    Message keyedCall = ((Execute) call).withKey(key);
    byte[] keyedFirst = sign(client, header(14, Audience.node(nodeId), SIGNED_AT).withGroup("friends"), keyedCall);
    v.put("valid-execute-keyed", valid("valid-execute with request key rk: the first attempt. expect.requestKey is"
        + " the key, expect.contentHash what a daemon compares a retry with (SHA-256 of {\"t\", \"body\" without"
        + " rk}).", keyedFirst, "udp", true));
    byte[] keyedRetry = sign(client, header(15, Audience.node(nodeId), SIGNED_AT.plusSeconds(1)).withGroup("friends"),
        keyedCall);
    v.put("valid-execute-keyed-retry", valid("The retry of valid-execute-keyed after its reply was lost: a fresh id and"
        + " timestamp (so not a replay), the same rk and content: a daemon answers it with the first attempt's result"
        + " and does not run it again.", keyedRetry, "udp", true, List.of(keyedFirst)));
    byte[] keyedService = sign(client, header(16, Audience.node(nodeId), SIGNED_AT),
        new Message.ServiceCall("kv", "put", List.of(new WasmValue("i64", 7), new WasmValue("i64", 700)))
            .withKey(new RequestKey(0x7265717565737421L, 0x6b65792d35363738L)));
    v.put("valid-call-keyed", valid("valid-call with request key rk: a kv.put that must not be applied twice.",
        keyedService, "udp", true));
    Map<String, Object> shortKey = payload(header(17, Audience.node(nodeId), SIGNED_AT), call);
    Map<String, Object> shortBody = new LinkedHashMap<>(castMap(shortKey.get("body")));
    shortBody.put("rk", HEX.parseHex("0102030405060708090a0b0c0d0e0f"));
    shortKey.put("body", shortBody);
    v.put("execute-key-too-short", rejected("An execute whose rk has 15 bytes: a request key has exactly 16.",
        signPayload(client, shortKey), "udp", Reason.MALFORMED, List.of()));
    Map<String, Object> zeroKey = payload(header(18, Audience.node(nodeId), SIGNED_AT), call);
    Map<String, Object> zeroBody = new LinkedHashMap<>(castMap(zeroKey.get("body")));
    zeroBody.put("rk", new byte[16]);
    zeroKey.put("body", zeroBody);
    v.put("execute-key-zero", rejected("An execute whose rk is 16 zero bytes: the all-zero key is reserved.",
        signPayload(client, zeroKey), "udp", Reason.MALFORMED, List.of()));
    return v;
  }

  private Map<String, Object> valid(String description, byte[] wire, String transport, boolean atNode) {
    return valid(description, wire, transport, atNode, List.of());
  }

  private Map<String, Object> valid(String description, byte[] wire, String transport, boolean atNode,
      List<byte[]> before) {
    Map<String, Object> vector = common(description, wire, transport, atNode, before);
    Map<String, Object> expect = new LinkedHashMap<>();
    expect.put("outcome", "valid");
    Sign1.Parts parts = Sign1.open(wire, wire.length, WireLimits.HTTP);
    Message message = MessageCodec.decode(parts.payload(), WireLimits.HTTP).message();
    expect.put("type", message.type());
    expect.put("signer", parts.signer().fingerprint().toString());
    RequestKey.of(message).ifPresent(key -> {
      expect.put("requestKey", key.toString());
      expect.put("contentHash", HEX.formatHex(RequestKey.contentHash(message)));
    });
    vector.put("expect", expect);
    return vector;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object map) {
    return (Map<String, Object>) map;
  }

  private Map<String, Object> rejected(String description, byte[] wire, String transport, Reason reason,
      List<byte[]> before) {
    Map<String, Object> vector = common(description, wire, transport, true, before);
    Map<String, Object> expect = new LinkedHashMap<>();
    expect.put("outcome", "rejected");
    expect.put("reason", reason.name());
    expect.put("code", reason.code().code());
    vector.put("expect", expect);
    return vector;
  }

  private Map<String, Object> common(String description, byte[] wire, String transport, boolean atNode,
      List<byte[]> before) {
    Map<String, Object> vector = new LinkedHashMap<>();
    vector.put("description", description);
    Map<String, Object> receiver = new LinkedHashMap<>();
    receiver.put("now", NOW.toString());
    receiver.put("windowSeconds", 30);
    receiver.put("nodeId", atNode ? nodeId.toString() : null);
    receiver.put("transport", transport);
    vector.put("receiver", receiver);
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("note", "RFC 8032 section 7.1 TEST 1 (client) and TEST 2 (node) seeds: public test keys, never trust them");
    keys.put("clientSeed", VectorKeys.CLIENT_SEED);
    keys.put("nodeSeed", VectorKeys.NODE_SEED);
    vector.put("keys", keys);
    vector.put("acceptedBefore", before.stream().map(HEX::formatHex).toList());
    vector.put("hex", HEX.formatHex(wire));
    vector.put("diagnostic", diagnostic(wire));
    return vector;
  }

  /** Diagnostic notation where the bytes still parse; a note where they do not. */
  private static String diagnostic(byte[] wire) {
    try {
      Object envelope = Cbor.decode(wire, 0, wire.length, WireLimits.HTTP, "x");
      return Diagnostic.of(envelope);
    } catch (ProtocolException tagOrBroken) {
      // the envelope carries tag 18, which the payload model refuses; open it piece by piece
    }
    try {
      byte[] protectedHeader = protectedHeaderOf(wire);
      byte[] payloadBytes = payloadOf(wire);
      byte[] signature = Arrays.copyOfRange(wire, wire.length - 64, wire.length);
      String payload;
      try {
        payload = Diagnostic.of(Cbor.decode(payloadBytes, 0, payloadBytes.length, new WireLimits(1 << 20, 64, 4096,
            4096), "payload"));
      } catch (ProtocolException e) {
        payload = "h'" + HEX.formatHex(payloadBytes) + "'";
      }
      if (protectedHeader.length != 38) {
        return "18([h'" + HEX.formatHex(protectedHeader) + "', {}, << " + payload + " >>, h'"
            + HEX.formatHex(signature) + "'])";
      }
      return Diagnostic.envelope(protectedHeader, null, signature, payload);
    } catch (RuntimeException notAnEnvelope) {
      return "(not a complete COSE_Sign1: " + notAnEnvelope.getMessage() + ")";
    }
  }

  private static byte[] protectedHeaderOf(byte[] wire) {
    // d2 84 <bstr protected> a0 <bstr payload> 58 40 <signature>
    if ((wire[0] & 0xff) != 0xd2 || (wire[1] & 0xff) != 0x84) {
      throw new IllegalArgumentException("no tag 18 array of 4");
    }
    int length = wire[2] & 0x1f;
    int start = 3;
    if (length == 24) {
      length = wire[3] & 0xff;
      start = 4;
    }
    return Arrays.copyOfRange(wire, start, start + length);
  }

  private static byte[] payloadOf(byte[] wire) {
    byte[] protectedHeader = protectedHeaderOf(wire);
    int at = (protectedHeader.length < 24 ? 3 : 4) + protectedHeader.length + 1;
    int head = wire[at] & 0xff;
    int length;
    int start;
    switch (head) {
      case 0x58 -> {
        length = wire[at + 1] & 0xff;
        start = at + 2;
      }
      case 0x59 -> {
        length = ((wire[at + 1] & 0xff) << 8) | (wire[at + 2] & 0xff);
        start = at + 3;
      }
      default -> {
        length = head - 0x40;
        start = at + 1;
      }
    }
    if (start + length > wire.length) {
      throw new IllegalArgumentException("payload runs past the end");
    }
    return Arrays.copyOfRange(wire, start, start + length);
  }

  private static byte[] withProtectedHeader(byte[] wire, byte[] protectedHeader) {
    byte[] payload = payloadOf(wire);
    KeyPair client = VectorKeys.fromSeed(VectorKeys.CLIENT_SEED);
    byte[] signature = org.weverywhere.trust.Ed25519.sign(client.getPrivate(),
        Sign1.sigStructure(protectedHeader, payload));
    Map<String, Object> unused = Map.of();
    var out = new java.io.ByteArrayOutputStream();
    out.write(0xd2);
    out.write(0x84);
    out.write(0x40 + protectedHeader.length);
    out.writeBytes(protectedHeader);
    out.writeBytes(Cbor.encode(unused));
    out.writeBytes(Cbor.encode(payload));
    out.writeBytes(Cbor.encode(signature));
    return out.toByteArray();
  }

  private static Header header(int n, Audience audience, Instant at) {
    return new Header(Header.VERSION, id(n), at, audience, Optional.empty(), Optional.empty());
  }

  /** Ids 000102...0e and a last byte n: fixed, distinct, not zero. */
  private static MessageId id(int n) {
    return new MessageId(0x0001020304050607L, 0x08090a0b0c0d0e00L | n);
  }

  private static byte[] sign(KeyPair keys, Header header, Message message) {
    return Sign1.sign(MessageCodec.encode(header, message), keys.getPrivate(), keys.getPublic());
  }

  private static Map<String, Object> payload(Header header, Message message) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) Cbor.decode(MessageCodec.encode(header, message), 0,
        MessageCodec.encode(header, message).length, WireLimits.HTTP, "payload");
    return new LinkedHashMap<>(map);
  }

  private static byte[] signPayload(KeyPair keys, Map<String, Object> payload) {
    return Sign1.sign(Cbor.encode(payload), keys.getPrivate(), keys.getPublic());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }

  /** The JSON text of one vector file, exactly as written. */
  static String text(Map<String, Object> vector) throws IOException {
    return JSON.writeValueAsString(vector) + "\n";
  }

  /** Writes every vector into {@code args[0]} (default docs/protocol-vectors under the working directory). */
  public static void main(String[] args) throws IOException {
    Path directory = args.length > 0 ? Path.of(args[0]) : DIRECTORY;
    Files.createDirectories(directory);
    List<String> written = new ArrayList<>();
    for (var entry : new ProtocolVectors().all().entrySet()) {
      Files.writeString(directory.resolve(entry.getKey() + ".json"), text(entry.getValue()));
      written.add(entry.getKey());
    }
    System.out.println("wrote " + written.size() + " vectors to " + directory + ": " + written);
  }
}
