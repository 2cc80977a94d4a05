package org.weverywhere.protocol;

import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 (RFC 8032) on raw key bytes, with BouncyCastle's implementation: on this project's
 * machines it signs and verifies about ten times faster than the JDK's provider (figures in
 * docs/PERFORMANCE.md), which decides whether a daemon can check 10,000 datagrams a second. Keys
 * still live in JDK types everywhere else; only the arithmetic is borrowed.
 */
final class EdDsa {
  static {
    Ed25519.precompute(); // once per JVM, instead of inside the first message's verification
  }

  private EdDsa() {}

  /**
   * The 64-byte signature of {@code message} by {@code key}, whose raw public key is {@code
   * publicKey}.
   */
  static byte[] sign(PrivateKey key, byte[] publicKey, byte[] message) {
    if (!(key instanceof EdECPrivateKey edKey)) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
    }
    byte[] seed =
        edKey
            .getBytes()
            .orElseThrow(() -> new IllegalArgumentException("private key bytes unavailable"));
    try {
      byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
      Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
      return signature;
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * True when {@code signature} is a valid signature of {@code message} by the key at {@code
   * point}.
   */
  static boolean verify(Ed25519.PublicPoint point, byte[] message, byte[] signature) {
    return signature.length == Ed25519.SIGNATURE_SIZE
        && Ed25519.verify(signature, 0, point, message, 0, message.length);
  }

  /**
   * True when {@code signature} is a valid signature of {@code message} by raw key {@code
   * publicKey}.
   */
  static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE || signature.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
  }
}
