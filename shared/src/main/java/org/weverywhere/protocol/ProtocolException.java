package org.weverywhere.protocol;

import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

/**
 * A Network Message that was refused, or an exchange that failed. {@link #reason()} is a closed set
 * the daemon can count and log by; each reason has its own stable {@link ErrorCode}.
 */
public class ProtocolException extends WeverywhereException {
  private static final long serialVersionUID = 1L;

  /** Why a message or an exchange failed; one stable code each. */
  public enum Reason {
    MALFORMED(ErrorCode.PROTOCOL_MALFORMED),
    TRUNCATED(ErrorCode.PROTOCOL_TRUNCATED),
    OVERSIZED(ErrorCode.PROTOCOL_OVERSIZED),
    LIMIT(ErrorCode.PROTOCOL_LIMIT),
    UNKNOWN_ALGORITHM(ErrorCode.PROTOCOL_ALGORITHM),
    BAD_SIGNATURE(ErrorCode.PROTOCOL_BAD_SIGNATURE),
    STALE(ErrorCode.PROTOCOL_STALE),
    REPLAYED(ErrorCode.PROTOCOL_REPLAYED),
    WRONG_AUDIENCE(ErrorCode.PROTOCOL_AUDIENCE),
    UNSUPPORTED_VERSION(ErrorCode.PROTOCOL_VERSION),
    UNKNOWN_TYPE(ErrorCode.PROTOCOL_UNKNOWN_TYPE),
    BUSY(ErrorCode.PROTOCOL_BUSY),
    NOT_PERMITTED(ErrorCode.PROTOCOL_NOT_PERMITTED),
    NOT_MEMBER(ErrorCode.PROTOCOL_NOT_MEMBER),
    QUOTA_EXCEEDED(ErrorCode.PROTOCOL_QUOTA),
    REFUSED(ErrorCode.PROTOCOL_REFUSED),
    NO_ANSWER(ErrorCode.PROTOCOL_NO_ANSWER),
    TRANSPORT(ErrorCode.PROTOCOL_TRANSPORT),
    SIGNED_BEFORE_START(ErrorCode.PROTOCOL_SIGNED_BEFORE_START),
    WRONG_NODE(ErrorCode.PROTOCOL_WRONG_NODE),
    SESSION_UNKNOWN(ErrorCode.SESSION_UNKNOWN),
    SESSION_BAD_MAC(ErrorCode.SESSION_BAD_MAC),
    SESSION_REPLAYED(ErrorCode.SESSION_REPLAYED),
    SESSION_EXPIRED(ErrorCode.SESSION_EXPIRED),
    SESSION_NOT_ALLOWED(ErrorCode.SESSION_NOT_ALLOWED);

    private final ErrorCode code;

    Reason(ErrorCode code) {
      this.code = code;
    }

    public ErrorCode code() {
      return code;
    }

    /** The reason whose code is {@code code} (as sent in an {@code error} reply), if any. */
    public static java.util.Optional<Reason> of(String code) {
      for (Reason r : values()) {
        if (r.code.code().equals(code)) {
          return java.util.Optional.of(r);
        }
      }
      return java.util.Optional.empty();
    }
  }

  private final Reason reason;

  public ProtocolException(Reason reason, String message) {
    this(reason, message, null);
  }

  public ProtocolException(Reason reason, String message, Throwable cause) {
    super(reason.code(), message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
