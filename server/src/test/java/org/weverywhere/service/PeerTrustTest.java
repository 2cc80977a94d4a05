package org.weverywhere.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPairFiles;
import org.weverywhere.trust.KeyPem;

/**
 * Who may use a service on another host, and whom the answers are believed from (issue 13, items 5,
 * 11 and 13), against a daemon's real beans (Weld SE) on loopback. The daemon binds service {@code
 * kv} to a peer that is itself over UDP ({@code services.kv.peer} = its own port, pinned to its own
 * node id), callable only by group {@code team}; service {@code far} to an impostor that answers
 * every request signed by a key of its own while {@code far} is pinned to another node.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerTrustTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair HOST = Ed25519.generate();
  private static final MessageSigner TEAM = new MessageSigner(Ed25519.generate());
  private static final MessageSigner RELAY = new MessageSigner(Ed25519.generate());
  private static final MessageSigner STRANGER = new MessageSigner(Ed25519.generate());

  private static TestDaemonConfig test;

  /** Answers for service {@code far} with a key of its own (item 11). */
  private static ImpostorPeer impostor;

  static {
    try {
      impostor = ImpostorPeer.start();
      test =
          TestDaemonConfig.prepare(
              "peer-trust",
              List.of("kv.wasi", "math.wasi", "caller.wasi", "fixtures/farcaller.wasm"),
              "group.anonymous.privileges = execute",
              "group.team.privileges = execute",
              "group.relays.privileges = execute, relay",
              "services.kvhere.library = kv",
              "services.math.library = math",
              "services.kv.peer-service = kvhere",
              "services.kv.callers = team",
              "services.kv.peer-node = " + Fingerprint.of(HOST.getPublic()),
              "services.far.peer-node = " + impostor.pinnedNode(),
              "calls.timeout = 2s");
      Files.writeString(
          test.dir().resolve("weverywhere.conf"),
          String.join(
                  "\n",
                  "services.kv.peer = 127.0.0.1:" + test.udpPort(),
                  "services.far.peer = 127.0.0.1:" + impostor.port())
              + "\n",
          StandardOpenOption.APPEND);
      // the host key exists before the daemon starts, so the configuration can pin its node id
      Path state =
          Files.createDirectories(
              test.dir().resolve("state"),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      KeyPairFiles.named(state, "host").write(HOST, false);
      for (var group : Map.of("team", TEAM, "relays", RELAY).entrySet()) {
        Path dir = Files.createDirectories(test.dir().resolve("groups").resolve(group.getKey()));
        Files.writeString(
            dir.resolve("member.pub-key.pem"), KeyPem.publicKeyText(group.getValue().publicKey()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @AfterAll
  void stop() throws Exception {
    impostor.close();
    TestDaemonConfig.clear();
  }

  private static SignedMessage ask(MessageSigner who, Message message) {
    var client =
        new UdpClient(
            who, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC());
    return client.request(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), test.udpPort()),
        Fingerprint.of(HOST.getPublic()),
        message,
        Duration.ofSeconds(10),
        1);
  }

  private static Message.Execute run(String library) {
    return new Message.Execute(
        new Message.LibraryTarget(library),
        new Message.Command(List.of(library, "2", "40", "1"), Map.of(), new byte[0]));
  }

  // ---- item 5: a service on a peer is guarded by its callers like a service here ----

  @Test
  void aRequesterOutsideCallersIsRefusedBeforeThePeerServiceIsLinked() {
    var refused = assertThrows(ProtocolException.class, () -> ask(STRANGER, run("caller")));
    assertTrue(
        refused
            .getMessage()
            .contains(
                "imports weverywhere:service/kv.get, but service 'kv' may be called by"
                    + " [team]; the requester is in [anonymous] [WE6004]"),
        refused.getMessage());
  }

  @Test
  void aCallerInCallersUsesThePeerServiceAnsweringWithItsPinnedKey() {
    var put =
        assertInstanceOf(
            Message.Result.class,
            ask(
                    TEAM,
                    new Message.ServiceCall(
                        "kvhere",
                        "put",
                        List.of(
                            new Message.WasmValue("i64", 1), new Message.WasmValue("i64", 4242))))
                .message());
    assertEquals("completed", put.outcome());
    var result = assertInstanceOf(Message.Result.class, ask(TEAM, run("caller")).message());
    assertEquals("completed", result.outcome(), new String(result.stderr()));
    assertEquals("math.add(2, 40) = 42\nkv.get(1) = 4242\n", new String(result.stdout()));
  }

  // ---- item 11: a pinned peer's answers must come from its key ----

  @Test
  void answersForAPinnedPeerSignedByAnotherKeyAreRefusedNamingBothKeys() {
    var refused = assertThrows(ProtocolException.class, () -> ask(TEAM, run("farcaller")));
    impostor.assertRefusedNamingBothKeys(refused);
  }

  // ---- item 13: origin is believed only from keys trusted to relay ----

  @Test
  void anOriginFromAKeyWithoutRelayIsIgnoredAndTheSignerIsTheRequester() throws IOException {
    String claimed = Fingerprint.of(Ed25519.generate().getPublic()).toString();
    JsonNode event = called(STRANGER, claimed);
    assertEquals(STRANGER.fingerprint().toString(), event.path("requester").asText());
    assertFalse(event.has("originalRequester"), event.toString());
  }

  @Test
  void anOriginFromAKeyWithRelayNamesTheOriginalRequester() throws IOException {
    String claimed = Fingerprint.of(Ed25519.generate().getPublic()).toString();
    JsonNode event = called(RELAY, claimed);
    assertEquals(RELAY.fingerprint().toString(), event.path("requester").asText());
    assertEquals(claimed, event.path("originalRequester").asText(), event.toString());
    assertEquals("relays", event.path("group").asText());
  }

  /**
   * Calls kvhere.count as {@code who}, claiming {@code origin} started the chain; the journal's
   * event for it.
   */
  private static JsonNode called(MessageSigner who, String origin) throws IOException {
    SignedMessage reply =
        ask(
            who,
            new Message.ServiceCall("kvhere", "count", List.of(), List.of(), Optional.of(origin)));
    assertEquals("completed", assertInstanceOf(Message.Result.class, reply.message()).outcome());
    String id = reply.header().replyTo().orElseThrow().toString();
    try (var files = Files.list(test.dir().resolve("state/events"))) {
      for (Path file : files.sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode event = JSON.readTree(line);
          if (event.path("type").asText().equals("org.weverywhere.service.called")
              && event.path("data").path("messageId").asText().equals(id)) {
            return event.path("data");
          }
        }
      }
    }
    throw new AssertionError("no org.weverywhere.service.called event for message " + id);
  }
}
