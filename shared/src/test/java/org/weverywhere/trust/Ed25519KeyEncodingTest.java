package org.weverywhere.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/** The one place that turns Ed25519 keys into their 32 raw bytes and back. */
class Ed25519KeyEncodingTest {
  /** RFC 8410 §10.1: an Ed25519 public key in a SubjectPublicKeyInfo. */
  private static final String RFC8410_SPKI =
      "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";

  @Test
  void rfc8410ExampleRoundTrips() {
    byte[] spki = Base64.getDecoder().decode(RFC8410_SPKI);
    byte[] raw = Arrays.copyOfRange(spki, 12, 44);
    PublicKey key = Ed25519.publicKeyOfRaw(raw).orElseThrow();
    assertArrayEquals(spki, key.getEncoded());
    assertArrayEquals(raw, Ed25519.rawPublicKey(key));
    assertArrayEquals(spki, Ed25519.subjectPublicKeyInfo(raw, 0));
    assertEquals(
        "302a300506032b6570032100", HexFormat.of().formatHex(Ed25519.subjectPublicKeyInfoPrefix()));
  }

  /** RFC 8032 §7.1, test 1: a private key's 32 bytes and the public key they give. */
  @Test
  void thePublicHalfOfAPrivateKeyIsRfc8032s() throws Exception {
    byte[] seed =
        HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    var privateKey =
        java.security.KeyFactory.getInstance("Ed25519")
            .generatePrivate(
                new java.security.spec.EdECPrivateKeySpec(
                    java.security.spec.NamedParameterSpec.ED25519, seed));
    assertEquals(
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        HexFormat.of().formatHex(Ed25519.rawPublicKey(Ed25519.publicKeyOf(privateKey))));
  }

  @Test
  void generatedPairsSignAndVerifyWithTheJdk() {
    byte[] message = "issue 16".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 10; i++) {
      var pair = Ed25519.generate();
      byte[] signature = Ed25519.sign(pair.getPrivate(), message);
      assertTrue(Ed25519.verify(pair.getPublic(), message, signature));
      assertArrayEquals(
          pair.getPublic().getEncoded(), Ed25519.publicKeyOf(pair.getPrivate()).getEncoded());
    }
  }

  @Test
  void generatedKeysRoundTripAndFingerprintAlike() {
    for (int i = 0; i < 20; i++) {
      PublicKey key = Ed25519.generate().getPublic();
      byte[] raw = Ed25519.rawPublicKey(key);
      assertEquals(32, raw.length);
      assertArrayEquals(key.getEncoded(), Ed25519.publicKeyOfRaw(raw).orElseThrow().getEncoded());
      byte[] framed = new byte[40];
      System.arraycopy(raw, 0, framed, 5, 32);
      assertEquals(Fingerprint.of(key), Fingerprint.ofRawEd25519(framed, 5));
      // the prefix BouncyCastle wrote once is the one it writes for this very key
      byte[] byBouncyCastle =
          assertDoesNotThrowIo(
              () ->
                  new SubjectPublicKeyInfo(
                          new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.112")), raw)
                      .getEncoded(ASN1Encoding.DER));
      assertArrayEquals(byBouncyCastle, Ed25519.subjectPublicKeyInfo(raw, 0));
    }
  }

  @Test
  void otherAlgorithmsAreNotEd25519Keys() throws Exception {
    for (String algorithm : new String[] {"RSA", "EC", "X25519", "Ed448"}) {
      PublicKey other = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic();
      IllegalArgumentException failure =
          assertThrows(IllegalArgumentException.class, () -> Ed25519.rawPublicKey(other));
      assertTrue(failure.getMessage().startsWith("not an Ed25519 public key"), failure::getMessage);
    }
  }

  @Test
  void wrongLengthsAreNoKeys() {
    assertEquals(Optional.empty(), Ed25519.publicKeyOfRaw(new byte[31]));
    assertEquals(Optional.empty(), Ed25519.publicKeyOfRaw(new byte[33]));
    assertEquals(Optional.empty(), Ed25519.publicKeyOfRaw(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> Fingerprint.ofRawEd25519(new byte[40], 9));
    assertThrows(IllegalArgumentException.class, () -> Fingerprint.ofRawEd25519(new byte[40], -1));
  }

  /** Any 32 bytes give a key or nothing; a key given back has the same bytes. */
  @Property(tries = 500)
  void anyRawBytesGiveAKeyOrNothing(@ForAll @Size(32) byte[] raw) {
    Ed25519.publicKeyOfRaw(raw).ifPresent(key -> assertArrayEquals(raw, Ed25519.rawPublicKey(key)));
  }

  private interface IoSupplier {
    byte[] get() throws java.io.IOException;
  }

  private static byte[] assertDoesNotThrowIo(IoSupplier supplier) {
    try {
      return supplier.get();
    } catch (java.io.IOException failed) {
      throw new AssertionError(failed);
    }
  }
}
