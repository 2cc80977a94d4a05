package org.weverywhere.protocol;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.HexFormat;
import org.weverywhere.trust.Ed25519;

/**
 * The fixed keys of docs/protocol-vectors: the published RFC 8032 §7.1 test keys, so that the
 * vectors can be regenerated bit for bit. Public test material; never trust these keys.
 */
final class VectorKeys {
  /** RFC 8032 §7.1 TEST 1: signs the vectors' requests. */
  static final String CLIENT_SEED =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

  /** RFC 8032 §7.1 TEST 2: the receiving node (its fingerprint is the node id) and announcer. */
  static final String NODE_SEED =
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";

  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");

  private VectorKeys() {}

  static KeyPair fromSeed(String seedHex) {
    byte[] seed = HexFormat.of().parseHex(seedHex);
    byte[] der = new byte[PKCS8_PREFIX.length + seed.length];
    System.arraycopy(PKCS8_PREFIX, 0, der, 0, PKCS8_PREFIX.length);
    System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, seed.length);
    try {
      PrivateKey key =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
      return new KeyPair(Ed25519.publicKeyOf(key), key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
