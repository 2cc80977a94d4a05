package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.weverywhere.trust.Fingerprint;

/**
 * The executable spec: every file in docs/protocol-vectors, checked against this implementation.
 */
class ProtocolVectorsTest {
  private static final Path VECTORS =
      Path.of(System.getProperty("weverywhere.root", "..")).resolve(ProtocolVectors.DIRECTORY);

  static Stream<Path> vectorFiles() throws IOException {
    try (Stream<Path> files = Files.list(VECTORS)) {
      List<Path> all = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
      if (all.isEmpty()) {
        throw new IllegalStateException("no vectors in " + VECTORS.toAbsolutePath());
      }
      return all.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectorFiles")
  void theImplementationGivesTheExpectedOutcome(Path file) throws IOException {
    JsonNode vector = new ObjectMapper().readTree(file.toFile());
    JsonNode receiver = vector.get("receiver");
    Clock clock = Clock.fixed(Instant.parse(receiver.get("now").asText()), ZoneOffset.UTC);
    Duration window = Duration.ofSeconds(receiver.get("windowSeconds").asLong());
    Optional<Fingerprint> node =
        receiver.get("nodeId").isNull()
            ? Optional.empty()
            : Optional.of(Fingerprint.parse(receiver.get("nodeId").asText()));
    WireLimits limits =
        switch (receiver.get("transport").asText()) {
          case "udp" -> WireLimits.UDP;
          case "http" -> WireLimits.HTTP;
          default -> throw new IllegalArgumentException("unknown transport in " + file);
        };
    int capacity = receiver.has("replayCapacity") ? receiver.get("replayCapacity").asInt() : 1000;
    Verifier verifier = new Verifier(clock, window, new ReplayCache(window, capacity), node);
    Verifier.Sessions sessions = sessions(vector.path("session"), node.isPresent());
    for (JsonNode before : vector.get("acceptedBefore")) {
      byte[] accepted = HexFormat.of().parseHex(before.asText());
      verifier.verify(accepted, accepted.length, limits, sessions);
    }
    byte[] wire = HexFormat.of().parseHex(vector.get("hex").asText());
    JsonNode expect = vector.get("expect");
    if (expect.get("outcome").asText().equals("valid")) {
      SignedMessage message = verifier.verify(wire, wire.length, limits, sessions);
      if (expect.has("session")) {
        var in = message.session().orElseThrow();
        assertEquals(expect.get("session").asText(), in.session().idText());
        assertEquals(expect.get("counter").asLong(), in.counter());
      }
      assertEquals(expect.get("type").asText(), message.message().type());
      assertEquals(expect.get("signer").asText(), message.fingerprint().toString());
      // a keyed request: the key a daemon files it under, and the content a retry must repeat
      assertEquals(
          expect.path("requestKey").asText(""),
          RequestKey.of(message.message()).map(RequestKey::toString).orElse(""));
      if (expect.has("contentHash")) {
        assertEquals(
            expect.get("contentHash").asText(),
            HexFormat.of().formatHex(RequestKey.contentHash(message.message())));
      }
      authorizer(receiver).ifPresent(groups -> groups.authorize(message));
    } else if (expect.get("outcome").asText().equals("refused")) {
      // verified, then refused after the verifier: by authorisation here, or by the daemon (WE5013)
      SignedMessage message = verifier.verify(wire, limits);
      Authorizer groups =
          authorizer(receiver)
              .orElseThrow(
                  () ->
                      new AssertionError(
                          file + ": a refused case" + " names the receiver's privileges"));
      String code = expect.get("code").asText();
      if (ProtocolException.Reason.of(code)
          .filter(
              r ->
                  r == ProtocolException.Reason.NOT_PERMITTED
                      || r == ProtocolException.Reason.NOT_MEMBER)
          .isPresent()) {
        ProtocolException e =
            assertThrows(ProtocolException.class, () -> groups.authorize(message));
        assertEquals(code, e.code().code(), e.getMessage());
      } else {
        groups.authorize(
            message); // the daemon's own check comes after: see the server's ConformanceTest
      }
    } else {
      ProtocolException e =
          assertThrows(
              ProtocolException.class, () -> verifier.verify(wire, wire.length, limits, sessions));
      assertEquals(expect.get("reason").asText(), e.reason().name(), e.getMessage());
      assertEquals(expect.get("code").asText(), e.code().code());
    }
  }

  /**
   * The session a session vector's receiver holds, rebuilt from the handshake the vector gives (a
   * node from the discover, a client from the announce) with the ephemeral keys it lists; the keys
   * it derives must be the ones listed. No session for the other vectors.
   */
  private static Verifier.Sessions sessions(JsonNode session, boolean atNode) {
    if (session.isMissingNode()) {
      return Verifier.Sessions.NONE;
    }
    HexFormat hex = HexFormat.of();
    var handshake =
        new SessionCases.Handshake(
            hex.parseHex(session.get("discover").asText()),
            hex.parseHex(session.get("announce").asText()),
            Instant.parse(session.get("opened").asText()));
    var node = VectorKeys.fromSeed(VectorKeys.NODE_SEED);
    Session s =
        atNode
            ? SessionCases.nodeSession(
                handshake,
                node,
                org.weverywhere.trust.Fingerprint.of(node.getPublic()),
                hex.parseHex(session.get("nodeEphemeral").asText()))
            : SessionCases.clientSession(
                handshake,
                VectorKeys.fromSeed(VectorKeys.CLIENT_SEED),
                hex.parseHex(session.get("clientEphemeral").asText()));
    for (SessionKeys.Direction d : SessionKeys.Direction.values()) {
      JsonNode listed = session.get("keys").get(d.label());
      assertEquals(listed.get("key").asText(), hex.formatHex(s.keys().of(d).key()), d.label());
      assertEquals(listed.get("iv").asText(), hex.formatHex(s.keys().of(d).iv()), d.label());
    }
    byte[] id = hex.parseHex(session.get("id").asText());
    return asked -> java.util.Arrays.equals(asked, id) ? s : null;
  }

  /**
   * The receiver's authorisation when the vector names it: every key anonymous, with these
   * privileges.
   */
  private static Optional<Authorizer> authorizer(JsonNode receiver) {
    if (!receiver.has("anonymousPrivileges")) {
      return Optional.empty();
    }
    java.util.Set<org.weverywhere.trust.Privilege> granted = new java.util.HashSet<>();
    receiver
        .get("anonymousPrivileges")
        .forEach(p -> granted.add(org.weverywhere.trust.Privilege.parse(p.asText())));
    return Optional.of(
        new Authorizer(
            org.weverywhere.trust.Membership::anonymous,
            java.util.Map.of(org.weverywhere.trust.SignatureGroup.ANONYMOUS, granted)));
  }

  /**
   * The files are what the generator makes today: the encoder is deterministic and nobody
   * hand-edited them.
   */
  @Test
  void theVectorFilesAreCurrent() throws IOException {
    var expected = new ProtocolVectors().all();
    List<Path> files = vectorFiles().toList();
    assertEquals(expected.size(), files.size(), "vector files: " + files);
    for (var entry : expected.entrySet()) {
      Path file = VECTORS.resolve(entry.getKey() + ".json");
      assertFalse(!Files.exists(file), file + " is missing");
      assertEquals(ProtocolVectors.text(entry.getValue()), Files.readString(file), file.toString());
    }
  }
}
