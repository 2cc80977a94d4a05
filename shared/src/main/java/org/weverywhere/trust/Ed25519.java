package org.weverywhere.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.weverywhere.ErrorCode;

/** Ed25519 with the JDK's own provider (SunEC): key generation, DER decoding, signing. */
public final class Ed25519 {
  private static final String ALGORITHM = "Ed25519";

  /** Bytes of a raw Ed25519 public key (RFC 8032), as COSE headers and module signatures carry. */
  public static final int KEY_BYTES = 32;

  /** RFC 8410: the Ed25519 AlgorithmIdentifier is the OID alone, without parameters. */
  private static final AlgorithmIdentifier ED25519_ID =
      new AlgorithmIdentifier(new ASN1ObjectIdentifier(KeyAlgorithm.ED25519));

  /**
   * The DER SubjectPublicKeyInfo of every Ed25519 key up to its 32 key bytes: the structure is of
   * fixed size, so BouncyCastle encodes it once and each key only appends its bytes.
   */
  private static final byte[] SPKI_PREFIX = spkiPrefix();

  /** Draws the seeds of {@link #generate()}'s keys. */
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ed25519() {}

  /**
   * A fresh key pair from the platform's strong random source. The public half is derived by
   * BouncyCastle's RFC 8032 code, whose tables signing needs anyway: the JDK's generator does the
   * same point multiplication more slowly, a noticeable part of a CLI command's start.
   */
  public static KeyPair generate() {
    byte[] seed = new byte[KEY_BYTES];
    RANDOM.nextBytes(seed);
    try {
      PrivateKey privateKey =
          KeyFactory.getInstance(ALGORITHM)
              .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      return new KeyPair(publicKeyOfSeed(seed), privateKey);
    } catch (InvalidKeySpecException impossible) {
      throw new IllegalStateException("32 random bytes are not an Ed25519 key", impossible);
    } catch (NoSuchAlgorithmException missing) {
      throw missingProvider(missing);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The public key of a private key's 32 bytes (RFC 8032 §5.1.5). */
  private static PublicKey publicKeyOfSeed(byte[] seed) {
    byte[] raw = new byte[KEY_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, raw, 0);
    return publicKeyOfRaw(raw)
        .orElseThrow(() -> new IllegalStateException("a derived Ed25519 public key was refused"));
  }

  /** The public key in a DER SubjectPublicKeyInfo; {@code source} names the file in errors. */
  static PublicKey publicKey(byte[] spki, Path source) {
    requireEd25519(algorithm(spki, source, false), source, "public");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
    } catch (InvalidKeySpecException bad) {
      throw malformedDer(source, bad);
    } catch (NoSuchAlgorithmException missing) {
      throw missingProvider(missing);
    }
  }

  /** The private key in a DER PKCS#8 PrivateKeyInfo; {@code source} names the file in errors. */
  static PrivateKey privateKey(byte[] pkcs8, Path source) {
    requireEd25519(algorithm(pkcs8, source, true), source, "private");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (InvalidKeySpecException bad) {
      throw malformedDer(source, bad);
    } catch (NoSuchAlgorithmException missing) {
      throw missingProvider(missing);
    }
  }

  /**
   * The public half of an Ed25519 private key, so that a lone private key file (as {@code openssl
   * genpkey} writes) is enough to sign and to know one's fingerprint. The JDK has no public call
   * for this; BouncyCastle's RFC 8032 code derives it from the key's 32 bytes.
   */
  public static PublicKey publicKeyOf(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey edKey)
        || !ALGORITHM.equalsIgnoreCase(edKey.getParams().getName())) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
    }
    byte[] seed =
        edKey
            .getBytes()
            .orElseThrow(() -> new IllegalArgumentException("private key bytes unavailable"));
    try {
      return publicKeyOfSeed(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The 32 raw key bytes (RFC 8032) inside an Ed25519 key's SubjectPublicKeyInfo. */
  public static byte[] rawPublicKey(PublicKey key) {
    // DER has one encoding per value: every Ed25519 SubjectPublicKeyInfo is the fixed prefix and
    // the key bytes, so a comparison replaces parsing (whose first use cost the CLI's start)
    byte[] der = key.getEncoded();
    if (der == null
        || der.length != SPKI_PREFIX.length + KEY_BYTES
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  /**
   * The public key with raw bytes {@code raw} (32, RFC 8032), or empty when they are not a key the
   * JDK accepts.
   */
  public static Optional<PublicKey> publicKeyOfRaw(byte[] raw) {
    if (raw.length != KEY_BYTES) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          KeyFactory.getInstance(ALGORITHM)
              .generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo(raw, 0))));
    } catch (InvalidKeySpecException | ProviderException notAKey) {
      return Optional.empty();
    } catch (NoSuchAlgorithmException missing) {
      throw missingProvider(missing);
    }
  }

  /** The DER SubjectPublicKeyInfo of the raw key at {@code raw[offset..offset+32)}. */
  static byte[] subjectPublicKeyInfo(byte[] raw, int offset) {
    byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_BYTES);
    System.arraycopy(raw, offset, spki, SPKI_PREFIX.length, KEY_BYTES);
    return spki;
  }

  /** What precedes the key bytes in every Ed25519 SubjectPublicKeyInfo (for hashing in place). */
  static byte[] subjectPublicKeyInfoPrefix() {
    return SPKI_PREFIX.clone();
  }

  private static byte[] spkiPrefix() {
    try {
      byte[] whole =
          new SubjectPublicKeyInfo(ED25519_ID, new byte[KEY_BYTES]).getEncoded(ASN1Encoding.DER);
      return Arrays.copyOf(whole, whole.length - KEY_BYTES);
    } catch (IOException impossible) {
      throw new UncheckedIOException("cannot encode an Ed25519 SubjectPublicKeyInfo", impossible);
    }
  }

  /** The 64-byte Ed25519 signature of {@code message}. */
  public static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(key);
      signer.update(message);
      return signer.sign();
    } catch (InvalidKeyException | SignatureException bad) {
      throw new IllegalArgumentException("cannot sign with this key: " + bad.getMessage(), bad);
    } catch (NoSuchAlgorithmException missing) {
      throw missingProvider(missing);
    }
  }

  /** True when {@code signature} is {@code key}'s Ed25519 signature of {@code message}. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (SignatureException malformedSignature) {
      return false; // a signature of the wrong length or form is simply not a valid one
    } catch (InvalidKeyException bad) {
      throw new IllegalArgumentException("cannot verify with this key: " + bad.getMessage(), bad);
    } catch (NoSuchAlgorithmException missing) {
      throw missingProvider(missing);
    }
  }

  private static KeyAlgorithm algorithm(byte[] der, Path source, boolean isPrivate) {
    try {
      return isPrivate ? KeyAlgorithm.ofPrivateKeyInfo(der) : KeyAlgorithm.ofPublicKeyInfo(der);
    } catch (IllegalArgumentException bad) {
      String kind = isPrivate ? "PKCS#8 private key" : "SubjectPublicKeyInfo";
      throw new KeyException(
          ErrorCode.KEY_MALFORMED, source, 0, "not a DER " + kind + ": " + bad.getMessage(), bad);
    }
  }

  private static void requireEd25519(KeyAlgorithm algorithm, Path source, String kind) {
    if (!algorithm.isEd25519()) {
      throw new KeyException(
          ErrorCode.KEY_NOT_ED25519,
          source,
          "is an " + algorithm.name() + " " + kind + " key, not Ed25519");
    }
  }

  private static KeyException malformedDer(Path source, InvalidKeySpecException bad) {
    return new KeyException(
        ErrorCode.KEY_MALFORMED, source, 0, "invalid Ed25519 key: " + bad.getMessage(), bad);
  }

  private static IllegalStateException missingProvider(GeneralSecurityException missing) {
    return new IllegalStateException("this Java runtime lacks Ed25519 (JDK 15+ has it)", missing);
  }
}
