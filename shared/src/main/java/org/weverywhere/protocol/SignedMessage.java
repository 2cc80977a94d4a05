package org.weverywhere.protocol;

import java.security.PublicKey;
import org.weverywhere.trust.Fingerprint;

/**
 * A message whose signature verified: its header, its body, who signed it, and the signature itself
 * (the 64 Ed25519 bytes), which the daemon's events carry so a bill can name exactly the signed
 * request it charges for.
 *
 * @param size the envelope's size in bytes, for traffic accounting and the amplification rule
 */
public record SignedMessage(
    Header header,
    Message message,
    PublicKey signer,
    Fingerprint fingerprint,
    int size,
    byte[] signature) {}
