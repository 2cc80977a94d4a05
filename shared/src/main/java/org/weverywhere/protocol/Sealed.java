package org.weverywhere.protocol;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.fasterxml.jackson.dataformat.cbor.CBORReadContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * A message sealed in a session: COSE_Encrypt0 (RFC 9052 §5.2) as this protocol profiles it
 * (docs/PROTOCOL.md §5a). Always tagged (16); the protected header exactly {@code {1: 24, 4:
 * h'session id', 6: h'counter'}} (alg ChaCha20/Poly1305, kid the 8-byte session id, Partial IV the
 * sender's 64-bit counter); the unprotected header empty; the ciphertext the Payload of §3 under
 * the direction's key, its 16-byte tag at the end. The AAD is {@code ["Encrypt0", protected, h'']}.
 */
public final class Sealed {
  static final int TAG = 16;
  static final int ALG_CHACHA20_POLY1305 = 24;
  static final int MAC_BYTES = 16;

  /** {@code {1: 24, 4: h'8 bytes'}} up to the id's bytes. */
  private static final byte[] HEADER_PREFIX = {
    (byte) 0xa3, 0x01, 0x18, 0x18, 0x04, 0x48,
  };

  /** Between the id and the counter: label 6, an 8-byte string. */
  private static final byte[] COUNTER_PREFIX = {0x06, 0x48};

  /** The protected header's length: 6 + 8 + 2 + 8. */
  static final int HEADER_BYTES = HEADER_PREFIX.length + 8 + COUNTER_PREFIX.length + 8;

  /** Where a sealed message's session id starts: after d0 83 58 18 and the header prefix. */
  private static final int ID_AT = 4 + HEADER_PREFIX.length;

  private Sealed() {}

  /**
   * Whether {@code bytes} are to be read as a sealed message: their first byte is tag 16's head
   * ({@code d0}). Anything else is read as a signed message (§5), so a receiver decides by one
   * byte.
   */
  public static boolean isSealed(byte[] bytes, int length) {
    return length > 0 && (bytes[0] & 0xff) == 0xd0;
  }

  /**
   * The session id a sealed message names, unchecked (8 bytes), or null when the bytes do not start
   * as this protocol writes a sealed message. Only which queue a datagram waits in depends on it.
   */
  public static byte[] claimedSession(byte[] bytes, int length) {
    if (length < ID_AT + 8
        || (bytes[0] & 0xff) != 0xd0
        || (bytes[1] & 0xff) != 0x83
        || (bytes[2] & 0xff) != 0x58
        || bytes[3] != HEADER_BYTES
        || !Arrays.equals(bytes, 4, ID_AT, HEADER_PREFIX, 0, HEADER_PREFIX.length)) {
      return null;
    }
    return Arrays.copyOfRange(bytes, ID_AT, ID_AT + 8);
  }

  /**
   * The session id a protected header at {@code bytes[offset]} of {@code length} bytes names,
   * unchecked; refused when it is not the one header this protocol writes ({@link EnvelopeHead}).
   */
  static byte[] claimedSession(byte[] bytes, int offset, int length) {
    if (length != HEADER_BYTES
        || !EnvelopeHead.samePrefix(bytes, offset, HEADER_PREFIX)
        || !EnvelopeHead.samePrefix(bytes, offset + HEADER_PREFIX.length + 8, COUNTER_PREFIX)) {
      throw new ProtocolException(
          Reason.MALFORMED, "protected header must be exactly {1: 24, 4: id, 6: counter}");
    }
    return Arrays.copyOfRange(
        bytes, offset + HEADER_PREFIX.length, offset + HEADER_PREFIX.length + 8);
  }

  /** A structurally valid sealed message: the parts still to be checked. */
  record Parts(byte[] protectedHeader, byte[] sessionId, long counter, byte[] ciphertext) {}

  static byte[] protectedHeader(byte[] id, long counter) {
    byte[] header = new byte[HEADER_BYTES];
    System.arraycopy(HEADER_PREFIX, 0, header, 0, HEADER_PREFIX.length);
    System.arraycopy(id, 0, header, HEADER_PREFIX.length, 8);
    System.arraycopy(COUNTER_PREFIX, 0, header, HEADER_PREFIX.length + 8, 2);
    for (int i = 0; i < 8; i++) {
      header[HEADER_BYTES - 1 - i] = (byte) (counter >>> (8 * i));
    }
    return header;
  }

  /** {@code ["Encrypt0", protected, h'']}: the AEAD's additional data (RFC 9052 §5.3). */
  static byte[] aad(byte[] protectedHeader) {
    var out = new ByteArrayOutputStream(protectedHeader.length + 16);
    out.write(0x83);
    out.write(0x68);
    out.writeBytes("Encrypt0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    writeBstrHead(out, protectedHeader.length);
    out.writeBytes(protectedHeader);
    out.write(0x40);
    return out.toByteArray();
  }

  static byte[] envelope(byte[] protectedHeader, byte[] ciphertext) {
    var out = new ByteArrayOutputStream(ciphertext.length + protectedHeader.length + 12);
    out.write(0xd0);
    out.write(0x83);
    writeBstrHead(out, protectedHeader.length);
    out.writeBytes(protectedHeader);
    out.write(0xa0);
    writeBstrHead(out, ciphertext.length);
    out.writeBytes(ciphertext);
    return out.toByteArray();
  }

  /** The sealed size of a payload of {@code payloadLength} bytes. */
  static int size(int payloadLength) {
    int ciphertext = payloadLength + MAC_BYTES;
    return 2 + 2 + HEADER_BYTES + 1 + bstrHead(ciphertext) + ciphertext;
  }

  private static int bstrHead(int length) {
    return length < 24 ? 1 : length < 256 ? 2 : length < 65_536 ? 3 : 5;
  }

  private static void writeBstrHead(ByteArrayOutputStream out, int length) {
    if (length < 24) {
      out.write(0x40 + length);
    } else if (length < 256) {
      out.write(0x58);
      out.write(length);
    } else if (length < 65_536) {
      out.write(0x59);
      out.write(length >>> 8);
      out.write(length);
    } else {
      out.write(0x5a);
      out.write(length >>> 24);
      out.write(length >>> 16);
      out.write(length >>> 8);
      out.write(length);
    }
  }

  /**
   * Steps S1–S5 of §5a: size, envelope walk, shape, algorithm, header form. Whatever a library
   * under it throws on hostile bytes is reported as {@code MALFORMED}.
   */
  static Parts open(byte[] envelope, int length, WireLimits limits) {
    if (length > limits.maxMessageBytes()) {
      throw new ProtocolException(
          Reason.OVERSIZED,
          "message of " + length + " bytes, more than " + limits.maxMessageBytes() + " allowed");
    }
    try {
      return parse(envelope, length);
    } catch (ProtocolException refused) {
      throw refused;
    } catch (RuntimeException slipped) {
      throw new ProtocolException(
          Reason.MALFORMED, "sealed envelope cannot be decoded: " + slipped, slipped);
    }
  }

  private static Parts parse(byte[] envelope, int length) {
    String what = "envelope";
    if (length == 0) {
      throw new ProtocolException(Reason.TRUNCATED, "empty message");
    }
    CborScan.check(envelope, 0, length, what);
    try (CBORParser p = Cbor.FACTORY.createParser(envelope, 0, length)) {
      JsonToken token = p.nextToken();
      if (token != JsonToken.START_ARRAY || p.getCurrentTag() != TAG) {
        throw new ProtocolException(
            Reason.MALFORMED, "not a tagged COSE_Encrypt0 (tag 16, array of 3)");
      }
      CBORReadContext array = p.getParsingContext();
      if (!array.hasExpectedLength() || array.getExpectedLength() != 3) {
        throw new ProtocolException(
            Reason.MALFORMED, "COSE_Encrypt0 must be a definite array of 3");
      }
      byte[] protectedHeader = Sign1.bytes(p, "protected header");
      checkHeader(protectedHeader);
      if (Sign1.next(p) != JsonToken.START_OBJECT || p.getCurrentTag() != -1) {
        throw new ProtocolException(Reason.MALFORMED, "unprotected header must be a map");
      }
      CBORReadContext unprotected = p.getParsingContext();
      if (!unprotected.hasExpectedLength()
          || unprotected.getExpectedLength() != 0
          || Sign1.next(p) != JsonToken.END_OBJECT) {
        throw new ProtocolException(Reason.MALFORMED, "unprotected header must be empty");
      }
      byte[] ciphertext = Sign1.bytes(p, "ciphertext");
      if (ciphertext.length < MAC_BYTES) {
        throw new ProtocolException(
            Reason.MALFORMED,
            "ciphertext of " + ciphertext.length + " bytes, shorter than its 16-byte tag");
      }
      if (Sign1.next(p) != JsonToken.END_ARRAY) {
        throw new ProtocolException(Reason.MALFORMED, "COSE_Encrypt0 has more than 3 items");
      }
      if (p.nextToken() != null) {
        throw new ProtocolException(Reason.MALFORMED, "bytes after the COSE_Encrypt0 item");
      }
      byte[] id =
          Arrays.copyOfRange(protectedHeader, HEADER_PREFIX.length, HEADER_PREFIX.length + 8);
      long counter = 0;
      for (int i = HEADER_BYTES - 8; i < HEADER_BYTES; i++) {
        counter = (counter << 8) | (protectedHeader[i] & 0xff);
      }
      if (counter < 0 || counter > Session.MAX_COUNTER) {
        throw new ProtocolException(
            Reason.MALFORMED, "counter " + Long.toUnsignedString(counter) + " beyond 2^48 - 1");
      }
      return new Parts(protectedHeader, id, counter, ciphertext);
    } catch (IOException bad) {
      throw Cbor.translate(bad, what);
    }
  }

  private static void checkHeader(byte[] protectedHeader) {
    boolean exact =
        protectedHeader.length == HEADER_BYTES
            && Arrays.equals(
                protectedHeader, 0, HEADER_PREFIX.length, HEADER_PREFIX, 0, HEADER_PREFIX.length)
            && Arrays.equals(
                protectedHeader,
                HEADER_PREFIX.length + 8,
                HEADER_PREFIX.length + 10,
                COUNTER_PREFIX,
                0,
                2);
    if (exact) {
      return;
    }
    Object alg = Sign1.algorithmOf(protectedHeader);
    if (alg instanceof Long n && n != ALG_CHACHA20_POLY1305) {
      throw new ProtocolException(
          Reason.UNKNOWN_ALGORITHM, "algorithm " + n + " is not ChaCha20/Poly1305 (24)");
    }
    if (alg instanceof String text) {
      throw new ProtocolException(
          Reason.UNKNOWN_ALGORITHM, "algorithm '" + text + "' is not ChaCha20/Poly1305 (24)");
    }
    throw new ProtocolException(
        Reason.MALFORMED,
        "protected header must be exactly {1: 24, 4: 8-byte session id, 6: 8-byte counter}");
  }
}
