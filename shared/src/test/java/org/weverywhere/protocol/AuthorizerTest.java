package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.weverywhere.protocol.VerifierTest.assertReason;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.KeyPem;
import org.weverywhere.trust.Privilege;
import org.weverywhere.trust.SignatureGroups;

/**
 * Signature Groups read from a real config directory, privileges as the configuration gives them.
 */
class AuthorizerTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  @TempDir Path config;

  private final MessageSigner both = new MessageSigner(Ed25519.generate());
  private final MessageSigner friend = new MessageSigner(Ed25519.generate());
  private final MessageSigner stranger = new MessageSigner(Ed25519.generate());
  private final Verifier verifier =
      Verifier.of(Clock.fixed(NOW, ZoneOffset.UTC), Optional.empty(), 100);

  private Authorizer authorizer() throws Exception {
    put("friends", "both", both);
    put("friends", "friend", friend);
    put("operators", "both", both);
    return new Authorizer(
        SignatureGroups.load(config),
        Map.of(
            "anonymous", Set.of(),
            "friends", Set.of(Privilege.FETCH, Privilege.EXECUTE),
            "operators", Set.of(Privilege.CONTROL, Privilege.PUBLISH)));
  }

  private void put(String group, String name, MessageSigner key) throws Exception {
    Path dir = Files.createDirectories(config.resolve("groups").resolve(group));
    Files.writeString(dir.resolve(name + ".pub-key.pem"), KeyPem.publicKeyText(key.publicKey()));
  }

  private SignedMessage send(MessageSigner from, Optional<String> group, Message message) {
    Header header = Header.fresh(Audience.ANY, NOW);
    header = group.map(header::withGroup).orElse(header);
    return verifier.verify(from.sign(header, message), WireLimits.UDP);
  }

  @Test
  void aKeyInTwoGroupsGetsTheUnionAndIsChargedToItsFirstGroupOrTheNamedOne() throws Exception {
    Authorizer authorizer = authorizer();
    Requester r =
        authorizer.authorize(send(both, Optional.empty(), new Message.Control("drain", Map.of())));
    assertEquals(List.of("friends", "operators"), r.membership().groups());
    assertEquals(
        Set.of(Privilege.FETCH, Privilege.EXECUTE, Privilege.CONTROL, Privilege.PUBLISH),
        r.privileges());
    assertEquals("friends", r.chargedGroup());
    assertEquals(
        "operators",
        authorizer
            .authorize(
                send(both, Optional.of("operators"), new Message.Fetch("m", Optional.empty())))
            .chargedGroup());
  }

  @Test
  void unknownKeysAreAnonymousAndGetOnlyWhatAnonymousIsGranted() throws Exception {
    Authorizer authorizer = authorizer();
    Requester r = authorizer.authorize(send(stranger, Optional.empty(), new Message.Discover()));
    assertEquals(List.of("anonymous"), r.membership().groups());
    assertEquals("anonymous", r.chargedGroup());
    assertReason(
        Reason.NOT_PERMITTED,
        () ->
            authorizer.authorize(
                send(stranger, Optional.empty(), new Message.Fetch("m", Optional.empty()))));
  }

  @Test
  void aMissingPrivilegeOrAForeignGroupIsRefused() throws Exception {
    Authorizer authorizer = authorizer();
    assertReason(
        Reason.NOT_PERMITTED,
        () ->
            authorizer.authorize(
                send(friend, Optional.empty(), new Message.Control("drain", Map.of()))));
    assertReason(
        Reason.NOT_PERMITTED,
        () ->
            authorizer.authorize(
                send(friend, Optional.empty(), new Message.Control("publish", Map.of()))));
    assertReason(
        Reason.NOT_MEMBER,
        () -> authorizer.authorize(send(friend, Optional.of("operators"), new Message.Discover())));
  }
}
