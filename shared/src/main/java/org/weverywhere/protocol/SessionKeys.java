package org.weverywhere.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * The key schedule of a session (docs/PROTOCOL.md §5a): X25519 (RFC 7748, the JDK's XDH) between
 * the two ephemeral keys of the handshake, then HKDF-SHA256 (RFC 5869) salted with the hash of the
 * signed discover that offered the session, with the session id, both ephemeral keys and both
 * static Ed25519 keys in the info, one key and base IV per direction.
 */
public final class SessionKeys {
  /** Bytes of an X25519 public or private key. */
  public static final int X25519_BYTES = 32;

  /** Bytes of a session id. */
  public static final int ID_BYTES = 8;

  /** Bytes of a ChaCha20-Poly1305 key. */
  static final int KEY_BYTES = 32;

  /** Bytes of a ChaCha20-Poly1305 nonce, and of each direction's base IV. */
  static final int IV_BYTES = 12;

  private static final byte[] X25519_SPKI = HEX("302a300506032b656e032100");
  private static final byte[] X25519_PKCS8 = HEX("302e020100300506032b656e04220420");
  private static final byte[] LABEL = "WEverywhere session 1 ".getBytes(StandardCharsets.US_ASCII);

  private SessionKeys() {}

  private static byte[] HEX(String hex) {
    return java.util.HexFormat.of().parseHex(hex);
  }

  /** Which way a message goes: each direction has its own key and IV, so nonces never collide. */
  public enum Direction {
    /** From the client that opened the session to the node. */
    TO_NODE("c2d"),
    /** From the node back to the client. */
    TO_CLIENT("d2c");

    private final String label;

    Direction(String label) {
      this.label = label;
    }

    /** The three letters the key schedule's info names this direction by. */
    public String label() {
      return label;
    }
  }

  /** One direction's AEAD key and base IV. */
  public record DirectionKeys(byte[] key, byte[] iv) {
    SecretKeySpec spec() {
      return new SecretKeySpec(key, "ChaCha20");
    }
  }

  /** Both directions' keys of one session. */
  public record Keys(DirectionKeys toNode, DirectionKeys toClient) {
    public DirectionKeys of(Direction direction) {
      return direction == Direction.TO_NODE ? toNode : toClient;
    }
  }

  /** A fresh ephemeral X25519 key pair. */
  public static KeyPair ephemeral() {
    try {
      return KeyPairGenerator.getInstance("X25519").generateKeyPair();
    } catch (GeneralSecurityException missing) {
      throw new IllegalStateException("this JDK has no X25519", missing);
    }
  }

  /** The X25519 key pair whose private key is the 32 bytes {@code scalar} (test vectors). */
  public static KeyPair ephemeral(byte[] scalar) {
    try {
      KeyFactory factory = KeyFactory.getInstance("X25519");
      PrivateKey secret =
          factory.generatePrivate(new PKCS8EncodedKeySpec(concat(X25519_PKCS8, scalar)));
      // the public key of a private key: agree with the base point u = 9
      byte[] base = new byte[X25519_BYTES];
      base[0] = 9;
      return new KeyPair(publicKey(agree(secret, base)), secret);
    } catch (GeneralSecurityException bad) {
      throw new IllegalArgumentException("not an X25519 private key", bad);
    }
  }

  /** The raw 32 bytes (RFC 7748 u-coordinate) of an X25519 public key. */
  public static byte[] raw(PublicKey key) {
    byte[] spki = key.getEncoded();
    if (spki.length != X25519_SPKI.length + X25519_BYTES
        || !Arrays.equals(spki, 0, X25519_SPKI.length, X25519_SPKI, 0, X25519_SPKI.length)) {
      throw new IllegalArgumentException("not an X25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(spki, X25519_SPKI.length, spki.length);
  }

  private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("X25519")
        .generatePublic(new X509EncodedKeySpec(concat(X25519_SPKI, raw)));
  }

  /**
   * X25519 of our private key and the peer's raw public key; a peer key that gives the all-zero
   * secret (a point of small order, RFC 7748 §6.1) is refused as {@code MALFORMED}.
   */
  public static byte[] agree(PrivateKey mine, byte[] theirs) {
    try {
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(mine);
      agreement.doPhase(publicKey(theirs), true);
      byte[] shared = agreement.generateSecret();
      if (isZero(shared)) {
        throw new ProtocolException(Reason.MALFORMED, "the X25519 key has small order");
      }
      return shared;
    } catch (InvalidKeyException smallOrderOrBad) {
      // the JDK refuses a small-order point itself
      throw new ProtocolException(
          Reason.MALFORMED, "unusable X25519 key: " + smallOrderOrBad.getMessage());
    } catch (GeneralSecurityException missing) {
      throw new IllegalStateException("this JDK has no X25519", missing);
    }
  }

  /**
   * Both directions' keys.
   *
   * @param shared the X25519 secret of the two ephemeral keys
   * @param discover the whole signed discover that offered the session, as sent and received
   * @param id the session id the node chose
   * @param clientEphemeral the client's raw X25519 public key
   * @param nodeEphemeral the node's raw X25519 public key
   * @param clientKey the client's raw Ed25519 key (the discover's kid)
   * @param nodeKey the node's raw Ed25519 key (the announce's kid)
   */
  public static Keys derive(
      byte[] shared,
      byte[] discover,
      byte[] id,
      byte[] clientEphemeral,
      byte[] nodeEphemeral,
      byte[] clientKey,
      byte[] nodeKey) {
    byte[] salt = sha256(discover);
    byte[] prk = hmac(salt, shared);
    DirectionKeys[] keys = new DirectionKeys[2];
    for (Direction d : Direction.values()) {
      byte[] info =
          concat(
              LABEL,
              d.label().getBytes(StandardCharsets.US_ASCII),
              id,
              clientEphemeral,
              nodeEphemeral,
              clientKey,
              nodeKey);
      byte[] okm = expand(prk, info, KEY_BYTES + IV_BYTES);
      keys[d.ordinal()] =
          new DirectionKeys(
              Arrays.copyOf(okm, KEY_BYTES), Arrays.copyOfRange(okm, KEY_BYTES, okm.length));
    }
    return new Keys(keys[0], keys[1]);
  }

  /** HKDF-Expand (RFC 5869 §2.3) with HMAC-SHA256. */
  static byte[] expand(byte[] prk, byte[] info, int length) {
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int i = 1, at = 0; at < length; i++) {
      t = hmac(prk, concat(t, info, new byte[] {(byte) i}));
      int n = Math.min(t.length, length - at);
      System.arraycopy(t, 0, out, at, n);
      at += n;
    }
    return out;
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException missing) {
      throw new IllegalStateException("this JDK has no HmacSHA256", missing);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException missing) {
      throw new IllegalStateException("every Java platform has SHA-256", missing);
    }
  }

  private static boolean isZero(byte[] bytes) {
    int or = 0;
    for (byte b : bytes) {
      or |= b;
    }
    return or == 0;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
