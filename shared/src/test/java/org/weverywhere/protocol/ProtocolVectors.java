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
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final KeyPair client = VectorKeys.fromSeed(VectorKeys.CLIENT_SEED);
  private final KeyPair node = VectorKeys.fromSeed(VectorKeys.NODE_SEED);
  private final Fingerprint nodeId = Fingerprint.of(node.getPublic());

  /** Every vector: file name (without .json) to its JSON tree. */
  Map<String, Map<String, Object>> all() {
    Map<String, Map<String, Object>> v = new LinkedHashMap<>();
    var cases = new ReceiverCases(client, node, nodeId, SIGNED_AT, NOW, ProtocolVectors::id);
    for (ReceiverCases.Case c : cases.all()) {
      v.put(c.name(), vector(c));
    }
    var sessions = new SessionCases(client, node, nodeId, SIGNED_AT, NOW, ProtocolVectors::id);
    for (SessionCases.Case c : sessions.all()) {
      v.put(c.name(), vector(sessions, c));
    }
    return v;
  }

  /**
   * A session case: the handshake that opened the session (both signed messages, both ephemeral
   * private keys) and the keys it gives, then the message and what the receiver makes of it.
   */
  private Map<String, Object> vector(SessionCases sessions, SessionCases.Case c) {
    Map<String, Object> vector = new LinkedHashMap<>();
    vector.put("description", c.description());
    Map<String, Object> receiver = new LinkedHashMap<>();
    receiver.put("now", c.now().toString());
    receiver.put("windowSeconds", 30);
    receiver.put("nodeId", c.atNode() ? nodeId.toString() : null);
    receiver.put("transport", c.transport());
    vector.put("receiver", receiver);
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put(
        "note",
        "RFC 8032 section 7.1 TEST 1 (client) and TEST 2 (node) seeds; RFC 7748 section 6.1"
            + " Alice (client) and Bob (node) X25519 keys: public test keys, never trust them");
    keys.put("clientSeed", VectorKeys.CLIENT_SEED);
    keys.put("nodeSeed", VectorKeys.NODE_SEED);
    vector.put("keys", keys);
    Map<String, Object> session = new LinkedHashMap<>();
    var handshake = sessions.handshake();
    session.put("opened", handshake.opened().toString());
    session.put("discover", HEX.formatHex(handshake.discover()));
    session.put("announce", HEX.formatHex(handshake.announce()));
    session.put("clientEphemeral", SessionCases.CLIENT_EPHEMERAL);
    session.put("nodeEphemeral", SessionCases.NODE_EPHEMERAL);
    session.put("id", SessionCases.SESSION_ID);
    session.put("keys", sessions.keys());
    vector.put("session", session);
    vector.put("acceptedBefore", c.before().stream().map(HEX::formatHex).toList());
    vector.put("hex", HEX.formatHex(c.wire()));
    vector.put(
        "diagnostic",
        Sealed.isSealed(c.wire(), c.wire().length)
            ? sealedDiagnostic(c.wire())
            : diagnostic(c.wire()));
    Map<String, Object> expect = new LinkedHashMap<>();
    switch (c.expect()) {
      case ReceiverCases.Expect.Valid valid -> {
        expect.put("outcome", "valid");
        expect.put("type", valid.type());
        expect.put("signer", (c.atNode() ? Fingerprint.of(client.getPublic()) : nodeId).toString());
        if (Sealed.isSealed(c.wire(), c.wire().length)) {
          var parts = Sealed.open(c.wire(), c.wire().length, WireLimits.HTTP);
          expect.put("session", HEX.formatHex(parts.sessionId()));
          expect.put("counter", parts.counter());
        }
      }
      case ReceiverCases.Expect.Rejected rejected -> {
        expect.put("outcome", "rejected");
        expect.put("reason", rejected.reason().name());
        expect.put("code", rejected.reason().code().code());
      }
      case ReceiverCases.Expect.Refused refused -> {
        expect.put("outcome", "refused");
        expect.put("code", refused.code());
      }
    }
    vector.put("expect", expect);
    return vector;
  }

  /** A sealed message in diagnostic notation: the protected header opened, the ciphertext bytes. */
  private static String sealedDiagnostic(byte[] wire) {
    try {
      var parts = Sealed.open(wire, wire.length, WireLimits.HTTP);
      return "16([<< {1: 24, 4: h'"
          + HEX.formatHex(parts.sessionId())
          + "', 6: h'"
          + HEX.formatHex(parts.protectedHeader(), Sealed.HEADER_BYTES - 8, Sealed.HEADER_BYTES)
          + "'} >>, {}, h'"
          + HEX.formatHex(parts.ciphertext())
          + "'])";
    } catch (ProtocolException notWellFormed) {
      return "(not a well-formed COSE_Encrypt0: " + notWellFormed.getMessage() + ")";
    }
  }

  private Map<String, Object> vector(ReceiverCases.Case c) {
    Map<String, Object> vector = common(c);
    Map<String, Object> expect = new LinkedHashMap<>();
    switch (c.expect()) {
      case ReceiverCases.Expect.Valid valid -> {
        expect.put("outcome", "valid");
        expect.put("type", valid.type());
        Sign1.Parts parts = Sign1.open(c.wire(), c.wire().length, WireLimits.HTTP);
        expect.put("signer", parts.signer().fingerprint().toString());
        Message message = MessageCodec.decode(parts.payload(), WireLimits.HTTP).message();
        // a keyed request: the key a daemon files it under, and the content a retry must repeat
        RequestKey.of(message)
            .ifPresent(
                key -> {
                  expect.put("requestKey", key.toString());
                  expect.put("contentHash", HEX.formatHex(RequestKey.contentHash(message)));
                });
      }
      case ReceiverCases.Expect.Rejected rejected -> {
        expect.put("outcome", "rejected");
        expect.put("reason", rejected.reason().name());
        expect.put("code", rejected.reason().code().code());
      }
      case ReceiverCases.Expect.Refused refused -> {
        expect.put("outcome", "refused");
        expect.put("code", refused.code());
      }
    }
    vector.put("expect", expect);
    return vector;
  }

  private Map<String, Object> common(ReceiverCases.Case c) {
    Map<String, Object> vector = new LinkedHashMap<>();
    vector.put("description", c.description());
    Map<String, Object> receiver = new LinkedHashMap<>();
    receiver.put("now", NOW.toString());
    receiver.put("windowSeconds", 30);
    receiver.put("nodeId", c.atNode() ? nodeId.toString() : null);
    receiver.put("transport", c.transport());
    c.replayCapacity().ifPresent(n -> receiver.put("replayCapacity", n));
    c.privileges().ifPresent(p -> receiver.put("anonymousPrivileges", p));
    vector.put("receiver", receiver);
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put(
        "note",
        "RFC 8032 section 7.1 TEST 1 (client) and TEST 2 (node) seeds: public test keys, never trust them");
    keys.put("clientSeed", VectorKeys.CLIENT_SEED);
    keys.put("nodeSeed", VectorKeys.NODE_SEED);
    vector.put("keys", keys);
    vector.put("acceptedBefore", c.before().stream().map(HEX::formatHex).toList());
    vector.put("hex", HEX.formatHex(c.wire()));
    vector.put("diagnostic", diagnostic(c.wire()));
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
        payload =
            Diagnostic.of(
                Cbor.decode(
                    payloadBytes,
                    0,
                    payloadBytes.length,
                    new WireLimits(1 << 20, 64, 4096, 4096),
                    "payload"));
      } catch (ProtocolException e) {
        payload = "h'" + HEX.formatHex(payloadBytes) + "'";
      }
      if (protectedHeader.length != 38) {
        return "18([h'"
            + HEX.formatHex(protectedHeader)
            + "', {}, << "
            + payload
            + " >>, h'"
            + HEX.formatHex(signature)
            + "'])";
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

  /** Ids 000102...0e and a last byte n: fixed, distinct, not zero. */
  private static MessageId id(int n) {
    return new MessageId(0x0001020304050607L, 0x08090a0b0c0d0e00L | n);
  }

  /** The JSON text of one vector file, exactly as written. */
  static String text(Map<String, Object> vector) throws IOException {
    return JSON.writeValueAsString(vector) + "\n";
  }

  /**
   * Writes every vector into {@code args[0]} (default docs/protocol-vectors under the working
   * directory).
   */
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
