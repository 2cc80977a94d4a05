package org.weverywhere.protocol;

import java.util.Arrays;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Fingerprint;

/**
 * What the first bytes of a message of a known length say before the rest is read: which envelope
 * it is (COSE_Sign1 or, in a session, COSE_Encrypt0), who it claims to come from, and whether its
 * items' lengths add up to exactly that length.
 *
 * <p>The signature of a COSE_Sign1 is its last item, so a receiver must read a body whole before it
 * can verify it. This check lets a receiver refuse, after {@link #BYTES} bytes, a large body that
 * {@link Verifier} would refuse anyway (it walks the same heads, with the same rules: definite
 * lengths, the one protected header this protocol writes), and tells it whose budget the rest is
 * read under. The claim is unchecked: it decides only which queue a body waits in, never what it
 * may do.
 */
public final class EnvelopeHead {
  /**
   * Bytes to read first: enough for the longest heads (9 bytes each) of the tag, the array, the
   * protected header with its 38 bytes, the unprotected map and the payload.
   */
  public static final int BYTES = 5 * 9 + 38;

  /** Who a message says it is from, unchecked. */
  public sealed interface Claim permits SignedBy, InSession {}

  /** A COSE_Sign1 naming its signer's key. */
  public record SignedBy(Fingerprint signer) implements Claim {}

  /** A COSE_Encrypt0 naming its session (8 bytes). */
  public record InSession(byte[] sessionId) implements Claim {}

  private EnvelopeHead() {}

  /**
   * Reads the heads in {@code head[0, available)} of a message of {@code total} bytes (at least
   * {@code min(total, BYTES)} of them must be there).
   *
   * @throws ProtocolException when the message cannot be one {@link Verifier} accepts: not a tagged
   *     envelope of this protocol, another protected header, or lengths that do not add up to
   *     {@code total}
   */
  public static Claim read(byte[] head, int available, long total) {
    var at = new Cursor(head, Math.min(available, (int) Math.min(total, head.length)));
    long tag = at.head(6, "a tagged COSE_Sign1 (18) or COSE_Encrypt0 (16)");
    boolean sealed = tag == Sealed.TAG;
    if (!sealed && tag != Sign1.TAG) {
      throw new ProtocolException(Reason.MALFORMED, "tag " + tag + " is not COSE_Sign1 (18)");
    }
    long items = at.head(4, "the envelope's array");
    if (items != (sealed ? 3 : 4)) {
      throw new ProtocolException(
          Reason.MALFORMED,
          (sealed
              ? "COSE_Encrypt0 must be a definite array of 3"
              : "COSE_Sign1 must be a definite array of 4"));
    }
    long headerLength = at.head(2, "the protected header");
    int expected = sealed ? Sealed.HEADER_BYTES : Sign1.PROTECTED_BYTES;
    if (headerLength != expected) {
      throw new ProtocolException(
          Reason.MALFORMED,
          "a protected header of " + headerLength + " bytes; this protocol's has " + expected);
    }
    int header = at.skip(expected, "the protected header");
    Claim claim =
        sealed
            ? new InSession(Sealed.claimedSession(head, header, expected))
            : new SignedBy(Sign1.claimedSigner(head, header));
    if (at.head(5, "the unprotected header") != 0) {
      throw new ProtocolException(Reason.MALFORMED, "unprotected header must be empty");
    }
    long content = at.head(2, sealed ? "the ciphertext" : "the payload");
    // what follows the payload: nothing in a sealed message, a 64-byte signature (its head 2 to 9
    // bytes long) in a signed one
    long after = total - at.offset() - content;
    boolean adds =
        sealed
            ? after == 0
            : after == 2 + Sign1.SIGNATURE_BYTES
                || after == 3 + Sign1.SIGNATURE_BYTES
                || after == 5 + Sign1.SIGNATURE_BYTES
                || after == 9 + Sign1.SIGNATURE_BYTES;
    if (content < 0 || !adds) {
      throw new ProtocolException(
          Reason.MALFORMED,
          "the envelope's lengths do not add up to the "
              + total
              + " bytes sent ("
              + (sealed ? "ciphertext " : "payload ")
              + content
              + " bytes from byte "
              + at.offset()
              + ")");
    }
    return claim;
  }

  /** Reads CBOR heads (major type and argument) as {@link CborScan} does. */
  private static final class Cursor {
    private final byte[] bytes;
    private final int end;
    private int at;

    Cursor(byte[] bytes, int end) {
      this.bytes = bytes;
      this.end = end;
    }

    int offset() {
      return at;
    }

    long head(int major, String what) {
      int first = next(what) & 0xff;
      if (first >>> 5 != major) {
        throw new ProtocolException(Reason.MALFORMED, what + " is not where it should be");
      }
      int info = first & 0x1f;
      if (info < 24) {
        return info;
      }
      if (info > 27) {
        throw new ProtocolException(
            Reason.MALFORMED, what + ": indefinite lengths and reserved heads are not used");
      }
      long argument = 0;
      for (int i = 0; i < 1 << (info - 24); i++) {
        argument = (argument << 8) | (next(what) & 0xff);
      }
      if (argument < 0) {
        throw new ProtocolException(Reason.MALFORMED, what + ": a length beyond 2^63");
      }
      return argument;
    }

    /** Steps over {@code n} bytes that must be there; where they start. */
    int skip(int n, String what) {
      if (end - at < n) {
        throw new ProtocolException(Reason.TRUNCATED, what + " is truncated");
      }
      int start = at;
      at += n;
      return start;
    }

    private byte next(String what) {
      if (at >= end) {
        throw new ProtocolException(Reason.TRUNCATED, what + " is truncated");
      }
      return bytes[at++];
    }
  }

  static boolean samePrefix(byte[] bytes, int from, byte[] prefix) {
    return Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
  }
}
