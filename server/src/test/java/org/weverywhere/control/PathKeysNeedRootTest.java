package org.weverywhere.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.weverywhere.daemon.Daemon;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.net.UdpClient;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.LocalPayload;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.KeyPem;

/**
 * Keys that name paths the daemon writes ({@code control.socket}, {@code state.dir}...) change only
 * when root asks on the control socket (issue 13): a network key with {@code control} and a
 * control-group member are refused with WE9011 and nothing is written, against a daemon's real
 * beans (Weld SE).
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathKeysNeedRootTest {
  private static final MessageSigner OPERATOR = new MessageSigner(Ed25519.generate());
  private static TestDaemonConfig test;

  static {
    test =
        TestDaemonConfig.prepare("path-keys", List.of(), "group.ops.privileges = observe, control");
    try {
      Path ops = Files.createDirectories(test.dir().resolve("groups/ops"));
      Files.writeString(
          ops.resolve("operator.pub-key.pem"), KeyPem.publicKeyText(OPERATOR.publicKey()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @Inject Daemon daemon;
  @Inject ControlActions actions;

  @AfterAll
  void clear() {
    TestDaemonConfig.clear();
  }

  private Path dropIn() {
    return test.dir().resolve("weverywhere.d/99-control.conf");
  }

  private String dropInText() throws IOException {
    return Files.exists(dropIn()) ? Files.readString(dropIn()) : "";
  }

  /** One control request on the control socket's protocol, as a local peer of {@code uid}. */
  private Message onSocket(long uid, String action, Map<String, String> args) throws IOException {
    var service = new ControlProtocol(actions, Clock.systemUTC(), new SystemAccounts());
    List<byte[]> replies = new ArrayList<>();
    byte[] request =
        LocalPayload.encode(
            Header.fresh(Audience.ANY, Instant.now()), new Message.Control(action, args));
    service.handle(
        new PeerCredentials(uid, uid, ProcessHandle.current().pid()), request, replies::add);
    return LocalPayload.decode(replies.getFirst(), WireLimits.HTTP).message();
  }

  @Test
  void aNetworkKeyWithControlCannotMoveTheControlSocket() throws IOException {
    var udp =
        new UdpClient(
            OPERATOR, Verifier.of(Clock.systemUTC(), Optional.empty(), 100), Clock.systemUTC());
    var refused =
        assertThrows(
            ProtocolException.class,
            () ->
                udp.request(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), test.udpPort()),
                    daemon.identity().nodeId(),
                    new Message.Control("set", Map.of("control.socket", "/etc/passwd")),
                    Duration.ofSeconds(5),
                    1));
    assertTrue(
        refused.getMessage().contains("(WE9011): 'control.socket' names a path the daemon writes"),
        refused.getMessage());
    assertFalse(dropInText().contains("control.socket"), dropInText());
  }

  @Test
  void aLocalUserWhoIsNotRootCannotSetOrUnsetPathKeys() throws IOException {
    for (String key :
        List.of(
            "control.socket",
            "control.group",
            "state.dir",
            "events.journal.dir",
            "libraries.dir")) {
      var error =
          assertInstanceOf(
              Message.ErrorReply.class, onSocket(1000, "set", Map.of(key, "/tmp/x")), key);
      assertEquals("WE9011", error.code(), key);
    }
    var unset =
        assertInstanceOf(
            Message.ErrorReply.class, onSocket(1000, "unset", Map.of("control.socket", "")));
    assertEquals("WE9011", unset.code());
    assertFalse(dropInText().contains("control.socket"), dropInText());
    // other keys stay open to them, as before
    var quota =
        assertInstanceOf(
            Message.Report.class, onSocket(1000, "set", Map.of("group.ops.quota.cores", "2")));
    assertEquals("set", quota.action());
  }

  @Test
  void rootOnTheSocketMayMoveTheControlSocketForTheNextStart() throws IOException {
    Path elsewhere = test.dir().resolve("run/control.sock");
    var report =
        assertInstanceOf(
            Message.Report.class,
            onSocket(0, "set", Map.of("control.socket", elsewhere.toString())));
    assertEquals(List.of("control.socket"), report.data().get("restart"));
    assertTrue(dropInText().contains("control.socket = " + elsewhere), dropInText());
    assertInstanceOf(Message.Report.class, onSocket(0, "unset", Map.of("control.socket", "")));
    assertFalse(dropInText().contains("control.socket"), dropInText());
  }

  @Test
  void theRuleCoversEveryPathKeyAndTheControlKeys() {
    assertTrue(ConfigEdits.needsRoot("control.socket"));
    assertTrue(ConfigEdits.needsRoot("control.group"));
    assertTrue(ConfigEdits.needsRoot("state.dir"));
    assertTrue(ConfigEdits.needsRoot("events.journal.dir"));
    assertTrue(ConfigEdits.needsRoot("libraries.dir"));
    assertFalse(ConfigEdits.needsRoot("group.ops.quota.cores"));
    assertFalse(ConfigEdits.needsRoot("network.port"));
  }
}
