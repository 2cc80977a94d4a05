package org.weverywhere.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.weverywhere.net.Discovery;
import org.weverywhere.net.MulticastGroups;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;

/**
 * The daemon's beans under Weld SE (as on Liberty, where DaemonIT checks readiness and the HTTP
 * channel) with real UDP on loopback, asked by the real client: discovery finds it, describe lists
 * its libraries, execute runs a library's function, and what a group may not do is refused with a
 * signed error.
 */
@EnableWeld
class DaemonNetworkTest {
  private static Path configDir;
  private static int port;

  @BeforeAll
  static void configuration() {
    var test =
        TestDaemonConfig.prepare(
            "test-daemon", List.of("math.wasi"), "group.anonymous.privileges = execute");
    configDir = test.dir();
    port = test.udpPort();
  }

  @AfterAll
  static void clearProperty() {
    TestDaemonConfig.clear();
  }

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @Inject Daemon daemon;

  private final MessageSigner me = new MessageSigner(Ed25519.generate());

  private SignedMessage ask(Message message) {
    var client =
        new UdpClient(
            me, Verifier.of(Clock.systemUTC(), Optional.empty(), 1000), Clock.systemUTC());
    return client.request(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        daemon.identity().nodeId(),
        message,
        Duration.ofSeconds(2),
        3);
  }

  @Test
  void startsWithAHostKeyOnlyItsUserCanReadAndJournalsItsStart() throws IOException {
    Path state = configDir.resolve("state");
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(state.resolve("host.key.pem"))));
    assertEquals(
        org.weverywhere.trust.Fingerprint.of(
            org.weverywhere.trust.KeyPem.readPublicKey(state.resolve("host.pub-key.pem"))),
        daemon.identity().nodeId());
    assertEquals(configDir.toString(), daemon.config().location());
    String journal = Files.readString(state.resolve("events/events-00000000000000000001.jsonl"));
    assertTrue(journal.contains("\"type\":\"org.weverywhere.daemon.started\""), journal);
  }

  @Test
  void discoveryFindsTheDaemonOnLoopback() throws Exception {
    assertTrue(daemon.ready());
    var discovery =
        new Discovery(
            me,
            Verifier.of(Clock.systemUTC(), Optional.empty(), 1000),
            MulticastGroups.DEFAULT.withPort(port),
            List.of(NetworkInterface.getByName("lo")),
            0,
            Clock.systemUTC());
    var result = discovery.discover(Duration.ofSeconds(3), 1, a -> {});
    assertEquals(
        1,
        result.answers().size(),
        "answers: " + result.answers() + " rejected: " + result.rejected());
    var found = result.answers().getFirst();
    assertEquals(daemon.identity().nodeId(), found.node());
    assertEquals("test-daemon", found.announce().name());
    assertEquals(List.of("math"), found.announce().libraries());
  }

  @Test
  void describeListsLibrariesWithTypedExportsButNoHostFactsWithoutObserve() {
    var description =
        assertInstanceOf(Message.Description.class, ask(new Message.Describe(List.of())).message());
    assertEquals(Map.of(), description.host());
    var math = description.libraries().getFirst();
    assertEquals("math", math.name());
    assertTrue(math.exports().contains("add (i32, i32) -> i32"), math.exports().toString());
  }

  @Test
  void executeRunsALibraryFunctionAndJournalsIt() throws IOException {
    var result =
        assertInstanceOf(
            Message.Result.class,
            ask(new Message.Execute(
                    new Message.LibraryTarget("math"),
                    new Message.Call(
                        "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40)))))
                .message());
    assertEquals("completed", result.outcome());
    assertEquals(List.of(new Message.WasmValue("i32", 42)), result.values());
    String journal =
        Files.readString(configDir.resolve("state/events/events-00000000000000000001.jsonl"));
    assertTrue(journal.contains("\"type\":\"org.weverywhere.execution.finished\""), journal);
    assertTrue(journal.contains("\"requester\":\"" + me.fingerprint() + "\""), journal);
    assertTrue(journal.contains("\"group\":\"anonymous\""), journal);
  }

  @Test
  void fetchWithoutThePrivilegeIsRefusedWithASignedError() {
    var refused =
        assertThrows(
            ProtocolException.class, () -> ask(new Message.Fetch("math", Optional.empty())));
    assertEquals("WE5020", refused.code().code());
    assertTrue(
        refused.getMessage().contains("fetch needs privilege 'fetch'"), refused.getMessage());
  }
}
