package org.weverywhere.trust;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever bytes a key file holds, reading it ends in a key or a KeyException, nothing else. */
class PemPropertyTest {
  private static final Path FILE = Path.of("fuzz.pem");
  private static final byte[] PUBLIC =
      KeyPem.publicKeyText(Ed25519.generate().getPublic()).getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PRIVATE = KeyPem.privateKeyText(Ed25519.generate().getPrivate());

  @Property(tries = 2000)
  void randomBytesGiveAKeyOrAKeyException(@ForAll byte[] content) {
    readBoth(content);
  }

  @Property(tries = 2000)
  void randomPemLikeTextGivesAKeyOrAKeyException(@ForAll("pemLikeText") String text) {
    readBoth(text.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 3000)
  void mutatedKeysGiveAKeyOrAKeyException(@ForAll("mutatedKeys") byte[] content) {
    readBoth(content);
  }

  /** Mutating the DER under intact armor reaches the DER reader and the JDK's KeyFactory. */
  @Property(tries = 3000)
  void mutatedDerGivesAKeyOrAKeyException(@ForAll("mutatedDer") byte[] der) {
    readBoth(PemArmor.encode(KeyPem.PUBLIC_LABEL, der).getBytes(StandardCharsets.US_ASCII));
    readBoth(PemArmor.encode(KeyPem.PRIVATE_LABEL, der).getBytes(StandardCharsets.US_ASCII));
  }

  @Provide
  Arbitrary<byte[]> mutatedDer() {
    KeyPair pair = Ed25519.generate();
    Arbitrary<byte[]> original =
        Arbitraries.of(pair.getPublic().getEncoded(), pair.getPrivate().getEncoded());
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 47);
    Arbitrary<Byte> value =
        Arbitraries.oneOf(
            Arbitraries.bytes(), Arbitraries.of((byte) 0x80, (byte) 0x81, (byte) 0xff, (byte) 0));
    Arbitrary<Integer> length = Arbitraries.integers().between(-3, 3);
    return Combinators.combine(original, position, value, length)
        .as(
            (der, at, v, change) -> {
              byte[] copy = Arrays.copyOf(der, Math.max(0, der.length + change));
              if (copy.length > 0) {
                copy[at % copy.length] = v;
              }
              return copy;
            });
  }

  private static void readBoth(byte[] content) {
    try {
      KeyPem.parsePublicKey(content, FILE);
    } catch (KeyException expected) {
      // the only failure allowed
    }
    try {
      KeyPem.parsePrivateKey(content, FILE);
    } catch (KeyException expected) {
      // the only failure allowed
    }
  }

  @Provide
  Arbitrary<String> pemLikeText() {
    Arbitrary<String> line =
        Arbitraries.oneOf(
            Arbitraries.of(
                "-----BEGIN PUBLIC KEY-----",
                "-----END PUBLIC KEY-----",
                "-----BEGIN PRIVATE KEY-----",
                "-----END PRIVATE KEY-----",
                "",
                "MCowBQYDK2VwAyEA",
                "=",
                "==",
                "-----"),
            Arbitraries.strings().withCharRange('+', 'z').ofMaxLength(80));
    return line.list().ofMaxSize(8).map(lines -> String.join("\n", lines));
  }

  /** Valid key files with bytes flipped, inserted, removed, or cut off: near misses. */
  @Provide
  Arbitrary<byte[]> mutatedKeys() {
    Arbitrary<byte[]> original = Arbitraries.of(PUBLIC, PRIVATE);
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 3);
    Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
    Arbitrary<Byte> value =
        Arbitraries.oneOf(
            Arbitraries.bytes(), Arbitraries.of((byte) 'A', (byte) '=', (byte) '\n', (byte) '-'));
    Arbitrary<List<Integer>> bits =
        Arbitraries.integers().between(0, 7).list().ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(original, kind, where, value, bits)
        .as(
            (bytes, k, w, v, flips) -> {
              int at = (int) (w * (bytes.length - 1));
              return switch (k) {
                case 0 -> {
                  byte[] copy = bytes.clone();
                  for (int bit : flips) {
                    copy[(at + bit * 7) % copy.length] ^= (byte) (1 << bit);
                  }
                  yield copy;
                }
                case 1 -> {
                  byte[] copy = new byte[bytes.length + 1];
                  System.arraycopy(bytes, 0, copy, 0, at);
                  copy[at] = v;
                  System.arraycopy(bytes, at, copy, at + 1, bytes.length - at);
                  yield copy;
                }
                case 2 -> {
                  byte[] copy = new byte[bytes.length - 1];
                  System.arraycopy(bytes, 0, copy, 0, at);
                  System.arraycopy(bytes, at + 1, copy, at, bytes.length - at - 1);
                  yield copy;
                }
                default -> Arrays.copyOf(bytes, at);
              };
            });
  }
}
