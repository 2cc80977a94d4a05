package org.weverywhere.net;

import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.SignedMessage;

/**
 * What a client does with a verified reply: return it, or turn an {@code error} into an exception.
 */
final class Replies {
  private Replies() {}

  /**
   * The reply itself, or for an {@code error} reply a {@link ProtocolException}: quota errors name
   * the quota, a known code keeps its reason, anything else is {@code REFUSED}.
   */
  static SignedMessage unwrap(SignedMessage reply, String peer) {
    if (!(reply.message() instanceof Message.ErrorReply error)) {
      return reply;
    }
    Reason reason = Reason.of(error.code()).orElse(Reason.REFUSED);
    if (reason == Reason.QUOTA_EXCEEDED) {
      throw new ProtocolException(
          reason,
          peer
              + " refused: quota '"
              + error.quota().orElse("unnamed")
              + "' exceeded: "
              + error.message());
    }
    // OVERSIZED kept: "ask over HTTP instead" is something a client can act on
    if (reason != Reason.NOT_PERMITTED
        && reason != Reason.NOT_MEMBER
        && reason != Reason.BUSY
        && reason != Reason.OVERSIZED) {
      reason = Reason.REFUSED;
    }
    return fail(reason, peer + " refused (" + error.code() + "): " + error.message());
  }

  private static SignedMessage fail(Reason reason, String message) {
    throw new ProtocolException(reason, message);
  }
}
