package org.weverywhere.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPemTest {
  @TempDir Path directory;

  @Test
  void publicKeyRoundTripsThroughPemText() {
    KeyPair pair = Ed25519.generate();
    String text = KeyPem.publicKeyText(pair.getPublic());

    PublicKey read =
        KeyPem.parsePublicKey(text.getBytes(StandardCharsets.US_ASCII), Path.of("k.pub-key.pem"));

    assertArrayEquals(pair.getPublic().getEncoded(), read.getEncoded());
    assertTrue(text.startsWith("-----BEGIN PUBLIC KEY-----\n"));
    assertTrue(text.endsWith("\n-----END PUBLIC KEY-----\n"));
    assertEquals(3, text.lines().count(), "44 DER bytes fit one 60-character base64 line");
  }

  @Test
  void privateKeyRoundTripsAndStillSigns() {
    KeyPair pair = Ed25519.generate();
    byte[] text = KeyPem.privateKeyText(pair.getPrivate());

    PrivateKey read = KeyPem.parsePrivateKey(text, Path.of("k.key.pem"));

    assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    assertTrue(Ed25519.verify(pair.getPublic(), message, Ed25519.sign(read, message)));
  }

  @Test
  void filesRoundTrip() throws Exception {
    KeyPair pair = Ed25519.generate();
    Path file = directory.resolve("a.pub-key.pem");
    Files.writeString(file, KeyPem.publicKeyText(pair.getPublic()));

    assertEquals(Fingerprint.of(pair.getPublic()), Fingerprint.of(KeyPem.readPublicKey(file)));
  }

  @Test
  void publicKeyIsDerivedFromThePrivateKeyAlone() {
    KeyPair pair = Ed25519.generate();
    PrivateKey reread =
        KeyPem.parsePrivateKey(KeyPem.privateKeyText(pair.getPrivate()), Path.of("k"));

    assertArrayEquals(pair.getPublic().getEncoded(), Ed25519.publicKeyOf(reread).getEncoded());
  }

  @Test
  void signatureOfAnotherMessageOrKeyDoesNotVerify() {
    KeyPair pair = Ed25519.generate();
    byte[] signature = Ed25519.sign(pair.getPrivate(), new byte[] {1, 2, 3});

    assertFalse(Ed25519.verify(pair.getPublic(), new byte[] {1, 2, 4}, signature));
    assertFalse(Ed25519.verify(Ed25519.generate().getPublic(), new byte[] {1, 2, 3}, signature));
    assertFalse(Ed25519.verify(pair.getPublic(), new byte[] {1, 2, 3}, new byte[] {9}));
  }

  @Test
  void crlfLineEndingsAndSurroundingBlankLinesAreAccepted() {
    KeyPair pair = Ed25519.generate();
    String text = "\n" + KeyPem.publicKeyText(pair.getPublic()).replace("\n", "\r\n") + "\n  \n";

    PublicKey read = KeyPem.parsePublicKey(text.getBytes(StandardCharsets.US_ASCII), Path.of("k"));

    assertArrayEquals(pair.getPublic().getEncoded(), read.getEncoded());
  }

  @Test
  void fingerprintIsSha256OfTheSpkiInUnpaddedBase64() throws Exception {
    PublicKey key = Ed25519.generate().getPublic();
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());

    Fingerprint fingerprint = Fingerprint.of(key);

    String expected = "SHA256:" + Base64.getEncoder().encodeToString(digest).replace("=", "");
    assertEquals(expected, fingerprint.toString());
    assertEquals(50, fingerprint.toString().length());
    assertEquals(expected.substring(7, 19), fingerprint.shortForm());
    assertEquals(fingerprint, Fingerprint.parse(fingerprint.toString()));
    assertNotEquals(fingerprint, Fingerprint.of(Ed25519.generate().getPublic()));
  }

  @Test
  void fingerprintTextIsCheckedWhenParsed() {
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse("SHA256:abc"));
    assertEquals(
        "not a key fingerprint (expected SHA256: and 43 base64 characters): SHA256:abc",
        bad.getMessage());
  }

  @Test
  void writingRefusesKeysOfOtherAlgorithms() throws Exception {
    PublicKey rsa = MalformedKeyTest.otherKeyPair("RSA").getPublic();

    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> KeyPem.publicKeyText(rsa));
    assertEquals("not an Ed25519 key: RSA", bad.getMessage());
  }
}
