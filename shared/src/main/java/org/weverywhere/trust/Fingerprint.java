package org.weverywhere.trust;

import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The identity of a public key: SHA-256 of its DER SubjectPublicKeyInfo, written as OpenSSH writes
 * key fingerprints, {@code SHA256:} followed by unpadded standard base64 (43 characters). {@link
 * #shortForm()} keeps the first 12 base64 characters (72 bits) for tables and log lines.
 *
 * <p>Because it hashes the SPKI (not the raw 32 key bytes), the same value comes out of {@code
 * openssl pkey -pubin -in k.pub-key.pem -outform DER | openssl dgst -sha256 -binary | base64}
 * (minus the trailing {@code =}).
 */
public record Fingerprint(byte[] sha256) {
  public static final String PREFIX = "SHA256:";
  private static final int DIGEST_BYTES = 32;
  private static final int SHORT_CHARS = 12;
  private static final byte[] SPKI_PREFIX = Ed25519.subjectPublicKeyInfoPrefix();
  private static final Pattern TEXT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

  public Fingerprint {
    if (sha256.length != DIGEST_BYTES) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + sha256.length);
    }
    sha256 = sha256.clone();
  }

  /** The fingerprint of {@code key}'s DER SubjectPublicKeyInfo encoding. */
  public static Fingerprint of(PublicKey key) {
    return new Fingerprint(Sha256.of(key.getEncoded()));
  }

  /**
   * The fingerprint of the raw Ed25519 key at {@code raw[offset..offset+32)}, without decoding it:
   * what a datagram claims before anyone has checked it.
   */
  public static Fingerprint ofRawEd25519(byte[] raw, int offset) {
    if (offset < 0 || raw.length - offset < Ed25519.KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 key has 32 bytes");
    }
    MessageDigest digest = Sha256.digest();
    digest.update(SPKI_PREFIX);
    digest.update(raw, offset, Ed25519.KEY_BYTES);
    return new Fingerprint(digest.digest());
  }

  /** Reads the {@code SHA256:...} form that {@link #toString()} writes. */
  public static Fingerprint parse(String text) {
    if (!TEXT.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "not a key fingerprint (expected SHA256: and 43 base64 characters): " + text);
    }
    return new Fingerprint(Base64.getDecoder().decode(text.substring(PREFIX.length())));
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** The first 12 base64 characters, without prefix: enough to tell keys apart by eye. */
  public String shortForm() {
    return base64().substring(0, SHORT_CHARS);
  }

  @Override
  public String toString() {
    return PREFIX + base64();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Fingerprint that && Arrays.equals(sha256, that.sha256);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256);
  }

  private String base64() {
    return Base64.getEncoder().withoutPadding().encodeToString(sha256);
  }
}
