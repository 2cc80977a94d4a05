package org.weverywhere.protocol;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import org.weverywhere.trust.Fingerprint;

/**
 * A message whose signature verified: its header, its body, who signed it, and the signature itself
 * (the 64 Ed25519 bytes), which the daemon's events carry so a bill can name exactly the signed
 * request it charges for. A message that came sealed in a session (docs/PROTOCOL.md §5a) is
 * verified too: its signer is the key that signed the session's handshake, {@code signature} that
 * handshake's signature, and {@code session} says which session and counter carried it.
 *
 * @param size the envelope's size in bytes, for traffic accounting and the amplification rule
 */
public record SignedMessage(
    Header header,
    Message message,
    PublicKey signer,
    Fingerprint fingerprint,
    int size,
    byte[] signature,
    Optional<InSession> session) {
  public SignedMessage {
    Objects.requireNonNull(session, "session");
  }

  public SignedMessage(
      Header header,
      Message message,
      PublicKey signer,
      Fingerprint fingerprint,
      int size,
      byte[] signature) {
    this(header, message, signer, fingerprint, size, signature, Optional.empty());
  }

  /** The session a sealed message came in, and its counter there. */
  public record InSession(Session session, long counter) {}
}
