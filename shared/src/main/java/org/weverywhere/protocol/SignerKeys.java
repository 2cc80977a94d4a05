package org.weverywhere.protocol;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.weverywhere.trust.Fingerprint;

/**
 * Decoded signer keys, most recently used first: peers send many messages with one key, and
 * decoding a key (point decompression, the JDK key object, the fingerprint's SHA-256) costs about a
 * fifth of a verification. Bounded, so a flood of new keys only evicts.
 */
final class SignerKeys {
  /**
   * One decoded key: the JDK form for callers, its fingerprint, and the curve point for verifying.
   */
  record Signer(PublicKey key, Fingerprint fingerprint, Ed25519.PublicPoint point) {}

  private static final int CAPACITY = 4096;

  private static final Map<RawKey, Signer> CACHE =
      new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RawKey, Signer> eldest) {
          return size() > CAPACITY;
        }
      };

  private SignerKeys() {}

  /**
   * The signer with raw key {@code raw} (32 bytes), or null when the bytes are not a curve point.
   */
  static Signer of(byte[] raw) {
    RawKey id = new RawKey(raw);
    synchronized (CACHE) {
      Signer known = CACHE.get(id);
      if (known != null) {
        return known;
      }
    }
    Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(raw, 0);
    if (point == null) {
      return null;
    }
    // the BouncyCastle name Ed25519 is taken here by the curve arithmetic
    PublicKey key = org.weverywhere.trust.Ed25519.publicKeyOfRaw(raw).orElse(null);
    if (key == null) {
      return null;
    }
    Signer signer = new Signer(key, Fingerprint.of(key), point);
    synchronized (CACHE) {
      CACHE.put(id, signer);
    }
    return signer;
  }

  /** 32 key bytes as a map key. */
  private record RawKey(byte[] bytes) {
    RawKey {
      bytes = bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RawKey that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
