package org.weverywhere.protocol;

/**
 * A message without its signature envelope: the CBOR payload alone (docs/PROTOCOL.md §3), for the
 * control socket, where the kernel has already told who the peer is (SO_PEERCRED) and a signature
 * would prove nothing more. The same header and body rules apply, so one decoder serves both.
 */
public final class LocalPayload {
  private LocalPayload() {}

  public static byte[] encode(Header header, Message message) {
    return MessageCodec.encode(header, message);
  }

  /**
   * Decodes and checks {@code payload} within {@code limits}; bad input throws {@link
   * ProtocolException}.
   */
  public static Decoded decode(byte[] payload, WireLimits limits) {
    if (payload.length > limits.maxMessageBytes()) {
      throw new ProtocolException(
          ProtocolException.Reason.OVERSIZED,
          "message of "
              + payload.length
              + " bytes, more than "
              + limits.maxMessageBytes()
              + " allowed");
    }
    CborScan.check(payload, 0, payload.length, "payload");
    MessageCodec.Decoded decoded = MessageCodec.decode(payload, limits);
    return new Decoded(decoded.header(), decoded.message());
  }

  /** A decoded local message. */
  public record Decoded(Header header, Message message) {}
}
