package org.weverywhere.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one hash of the project: module identities, key fingerprints, request keys. One
 * place to ask the JDK for it, so that the impossible {@link NoSuchAlgorithmException} is handled
 * once.
 */
public final class Sha256 {
  private Sha256() {}

  /** A fresh digest to feed piece by piece (or to clone part-way, as module signatures do). */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every Java platform has SHA-256", impossible);
    }
  }

  /** The 32-byte SHA-256 of {@code bytes}. */
  public static byte[] of(byte[] bytes) {
    return digest().digest(bytes);
  }

  /** The SHA-256 of {@code bytes} in lower-case hex, as module hashes are written. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(of(bytes));
  }
}
