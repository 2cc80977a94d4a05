package org.weverywhere.protocol;

import java.security.KeyPair;
import java.security.PublicKey;
import org.weverywhere.trust.Fingerprint;

/** Signs messages with one Ed25519 key pair: a requester's key, or a daemon's host key. */
public final class MessageSigner {
  private final KeyPair keys;
  private final Fingerprint fingerprint;

  public MessageSigner(KeyPair keys) {
    Sign1.rawKey(keys.getPublic()); // fails early for a key that is not Ed25519
    this.keys = keys;
    this.fingerprint = Fingerprint.of(keys.getPublic());
  }

  /** The COSE_Sign1 bytes of {@code message} with {@code header}. */
  public byte[] sign(Header header, Message message) {
    return Sign1.sign(MessageCodec.encode(header, message), keys.getPrivate(), keys.getPublic());
  }

  /** The exact length {@link #sign} would give, without the cost of a signature. */
  public int signedSize(Header header, Message message) {
    return Sign1.size(MessageCodec.encode(header, message).length);
  }

  public PublicKey publicKey() {
    return keys.getPublic();
  }

  /** The signer's key fingerprint: a daemon's node id. */
  public Fingerprint fingerprint() {
    return fingerprint;
  }
}
