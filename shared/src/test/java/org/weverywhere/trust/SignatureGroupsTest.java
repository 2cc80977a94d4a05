package org.weverywhere.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;

class SignatureGroupsTest {
  @TempDir Path config;

  @Test
  void aBadFileAmongGoodOnesIsReportedAndTheOthersStillLoad() throws Exception {
    PublicKey alice = addKey("operators", "alice");
    PublicKey bob = addKey("operators", "bob");
    Path broken =
        write(
            "operators/broken.pub-key.pem",
            "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n");
    Path rsa =
        write(
            "operators/rsa.pub-key.pem",
            PemArmor.encode(
                "PUBLIC KEY", MalformedKeyTest.otherKeyPair("RSA").getPublic().getEncoded()));

    SignatureGroups groups = SignatureGroups.load(config);

    SignatureGroup operators = groups.group("operators").orElseThrow();
    assertEquals(
        List.of(Fingerprint.of(alice), Fingerprint.of(bob)),
        operators.keys().stream().map(GroupKey::fingerprint).toList());
    assertEquals(
        List.of(
            broken + ":2: invalid base64 character ' ' at column 4",
            rsa + ": is an RSA public key, not Ed25519"),
        messages(groups));
    assertEquals(List.of(ErrorCode.KEY_MALFORMED, ErrorCode.KEY_NOT_ED25519), codes(groups));
  }

  @Test
  void aKeyInSeveralGroupsBelongsToAllOfThemInNameOrder() throws Exception {
    KeyPair shared = Ed25519.generate();
    write("ops/shared.pub-key.pem", KeyPem.publicKeyText(shared.getPublic()));
    write("friends/same-key-other-name.pub-key.pem", KeyPem.publicKeyText(shared.getPublic()));
    PublicKey onlyFriend = addKey("friends", "carol");

    SignatureGroups groups = SignatureGroups.load(config);

    Membership membership = groups.membership(shared.getPublic());
    assertEquals(List.of("friends", "ops"), membership.groups());
    assertFalse(membership.isAnonymous());
    assertEquals(List.of("friends"), groups.membership(Fingerprint.of(onlyFriend)).groups());
    assertEquals(List.of(), groups.errors());
  }

  @Test
  void aKeyInNoGroupIsAnonymous() throws Exception {
    addKey("ops", "alice");
    PublicKey stranger = Ed25519.generate().getPublic();

    Membership membership = SignatureGroups.load(config).membership(stranger);

    assertEquals(List.of("anonymous"), membership.groups());
    assertTrue(membership.isAnonymous());
    assertEquals(Fingerprint.of(stranger), membership.key());
  }

  @Test
  void anonymousAlwaysExistsEvenWithoutAGroupsDirectory() {
    SignatureGroups groups = SignatureGroups.load(config);

    assertEquals(List.of("anonymous"), groups.groups().stream().map(SignatureGroup::name).toList());
    assertTrue(groups.group("anonymous").orElseThrow().keys().isEmpty());
    assertEquals(List.of(), groups.errors());
  }

  @Test
  void aKeyFileUnderAnonymousIsAnError() throws Exception {
    Path file =
        write(
            "anonymous/someone.pub-key.pem", KeyPem.publicKeyText(Ed25519.generate().getPublic()));

    SignatureGroups groups = SignatureGroups.load(config);

    assertTrue(groups.group("anonymous").orElseThrow().keys().isEmpty());
    assertEquals(
        List.of(file + ": the built-in group 'anonymous' has no keys; this file is ignored"),
        messages(groups));
    assertEquals(List.of(ErrorCode.GROUP_INVALID), codes(groups));
  }

  @Test
  void invalidGroupDirectoryNamesAreReported() throws Exception {
    addKey("good_name-1", "a");
    Files.createDirectories(config.resolve("groups/bad name"));
    Files.createDirectories(config.resolve("groups/.hidden"));
    Files.createDirectories(config.resolve("groups/" + "x".repeat(65)));

    SignatureGroups groups = SignatureGroups.load(config);

    assertEquals(
        List.of("anonymous", "good_name-1"),
        groups.groups().stream().map(SignatureGroup::name).toList());
    Path root = config.resolve("groups");
    String rule = "': use 1 to 64 letters, digits, '-' or '_'";
    assertEquals(
        List.of(
            root.resolve(".hidden") + ": invalid group name '.hidden" + rule,
            root.resolve("bad name") + ": invalid group name 'bad name" + rule,
            root.resolve("x".repeat(65)) + ": invalid group name '" + "x".repeat(65) + rule),
        messages(groups));
  }

  @Test
  void misplacedFilesAreReportedAndReadmesIgnored() throws Exception {
    addKey("ops", "alice");
    write("ops/README", "Operators of this host.");
    Path privateKey = write("ops/alice.key.pem", "secret");
    Path otherPem = write("ops/alice.pem", "?");
    Path loose = write("loose.pub-key.pem", "?");
    write("README", "One directory per group.");

    SignatureGroups groups = SignatureGroups.load(config);

    assertEquals(1, groups.group("ops").orElseThrow().keys().size());
    assertEquals(
        List.of(
            loose + ": key file outside a group; move it to groups/<Group-Name>/",
            privateKey
                + ": a private key in a group directory; groups hold public keys only (*.pub-key.pem), remove this file",
            otherPem + ": ignored: a group's key files are named NAME.pub-key.pem"),
        messages(groups));
  }

  @Test
  void anEmptyGroupDirectoryIsAGroupWithoutKeys() throws Exception {
    Files.createDirectories(config.resolve("groups/empty"));

    SignatureGroups groups = SignatureGroups.load(config);

    assertTrue(groups.group("empty").orElseThrow().keys().isEmpty());
    assertEquals(List.of(), groups.errors());
  }

  @Test
  void groupsThatIsAFileIsReported() throws Exception {
    Files.writeString(config.resolve("groups"), "not a directory");

    SignatureGroups groups = SignatureGroups.load(config);

    assertEquals(
        List.of(
            config.resolve("groups")
                + ": not a directory; expected groups/<Group-Name>/*.pub-key.pem"),
        messages(groups));
    assertEquals(1, groups.groups().size());
  }

  @Test
  void aDirectoryNamedLikeAKeyFileIsReportedAsUnreadable() throws Exception {
    addKey("ops", "alice");
    Path directory = Files.createDirectories(config.resolve("groups/ops/folder.pub-key.pem"));

    SignatureGroups groups = SignatureGroups.load(config);

    assertEquals(1, groups.group("ops").orElseThrow().keys().size());
    assertEquals(List.of(directory + ": cannot read: Is a directory"), messages(groups));
    assertEquals(List.of(ErrorCode.IO_UNREADABLE), codes(groups));
  }

  @Test
  void anUnreadableKeyFileIsReported() throws Exception {
    Path file =
        write("ops/locked.pub-key.pem", KeyPem.publicKeyText(Ed25519.generate().getPublic()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    Assumptions.assumeFalse(Files.isReadable(file), "this user (root?) can read a mode 000 file");

    SignatureGroups groups = SignatureGroups.load(config);

    assertEquals(List.of(ErrorCode.IO_UNREADABLE), codes(groups));
    assertTrue(
        messages(groups).get(0).startsWith(file + ": cannot read: "), messages(groups).get(0));
  }

  @Test
  void theSampleGroupsLoadWithoutErrors() {
    Path etc = Path.of(System.getProperty("user.dir")).getParent().resolve("etc");

    SignatureGroups groups = SignatureGroups.load(etc);

    assertEquals(List.of(), groups.errors());
    assertEquals(
        List.of("anonymous", "friends", "operators"),
        groups.groups().stream().map(SignatureGroup::name).toList());
    assertEquals(1, groups.group("friends").orElseThrow().keys().size());
    assertEquals(1, groups.group("operators").orElseThrow().keys().size());
  }

  private PublicKey addKey(String group, String name) throws Exception {
    PublicKey key = Ed25519.generate().getPublic();
    write(group + "/" + name + ".pub-key.pem", KeyPem.publicKeyText(key));
    return key;
  }

  private Path write(String relative, String text) throws Exception {
    Path file = config.resolve("groups").resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private static List<String> messages(SignatureGroups groups) {
    return groups.errors().stream().map(KeyException::getMessage).toList();
  }

  private static List<ErrorCode> codes(SignatureGroups groups) {
    return groups.errors().stream().map(KeyException::code).toList();
  }
}
