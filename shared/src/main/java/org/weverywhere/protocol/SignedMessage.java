package org.weverywhere.protocol;

import java.security.PublicKey;
import org.weverywhere.trust.Fingerprint;

/**
 * A message whose signature verified: its header, its body, and who signed it.
 *
 * @param size the envelope's size in bytes, for traffic accounting and the amplification rule
 */
public record SignedMessage(Header header, Message message, PublicKey signer, Fingerprint fingerprint, int size) {}
