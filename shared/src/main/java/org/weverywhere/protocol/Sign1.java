package org.weverywhere.protocol;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.fasterxml.jackson.dataformat.cbor.CBORReadContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * COSE_Sign1 (RFC 9052 §4.2) as this protocol profiles it: always tagged (18), the protected header
 * exactly {@code {1: -8, 4: kid}} (alg EdDSA, kid the signer's raw 32-byte Ed25519 public key), the
 * unprotected header empty, no external AAD, a 64-byte Ed25519 signature.
 *
 * <p>The kid is the key itself, not its fingerprint, because a receiver must verify requests from
 * keys it has never seen (they land in {@code anonymous}); the fingerprint is derived from it.
 */
final class Sign1 {
  static final int TAG = 18;
  static final int ALG_EDDSA = -8;
  static final int SIGNATURE_BYTES = 64;
  static final int KEY_BYTES = 32;

  /** DER SubjectPublicKeyInfo of an Ed25519 key, up to the 32 key bytes (RFC 8410). */

  /** The only protected header this version writes: {1: -8, 4: h'...'} up to the kid's bytes. */
  private static final byte[] PROTECTED_PREFIX = {(byte) 0xa2, 0x01, 0x27, 0x04, 0x58, 0x20};

  /** The protected header's length: the prefix and the 32-byte key. */
  static final int PROTECTED_BYTES = 6 + KEY_BYTES;

  private Sign1() {}

  /**
   * The signer a protected header at {@code bytes[offset]} names, unchecked; refused when it is not
   * the one header this protocol writes ({@link EnvelopeHead}).
   */
  static org.weverywhere.trust.Fingerprint claimedSigner(byte[] bytes, int offset) {
    if (!EnvelopeHead.samePrefix(bytes, offset, PROTECTED_PREFIX)) {
      throw new ProtocolException(
          Reason.MALFORMED, "protected header must be exactly {1: -8, 4: 32-byte Ed25519 key}");
    }
    return org.weverywhere.trust.Fingerprint.ofRawEd25519(bytes, offset + PROTECTED_PREFIX.length);
  }

  /**
   * The COSE_Sign1 bytes of {@code payload}, signed with {@code key} whose public half is {@code
   * pub}.
   */
  static byte[] sign(byte[] payload, PrivateKey key, PublicKey pub) {
    byte[] raw = rawKey(pub);
    byte[] protectedHeader = protectedHeader(raw);
    byte[] signature = EdDsa.sign(key, raw, sigStructure(protectedHeader, payload));
    var out = new ByteArrayOutputStream(payload.length + 128);
    try (CBORGenerator g = Cbor.FACTORY.createGenerator(out)) {
      g.writeTag(TAG);
      g.writeStartArray(null, 4);
      g.writeBinary(protectedHeader);
      g.writeStartObject(null, 0);
      g.writeEndObject();
      g.writeBinary(payload);
      g.writeBinary(signature);
      g.writeEndArray();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toByteArray();
  }

  /**
   * How many bytes {@link #sign} makes of a payload of {@code payloadLength} bytes: tag, array
   * head, the 38-byte protected header, the empty map, the payload and the 64-byte signature, each
   * byte string with its shortest head. Lets a sender fit a reply to a size without signing.
   */
  static int size(int payloadLength) {
    return 1 + 1 + (2 + 38) + 1 + bstrHead(payloadLength) + payloadLength + (2 + 64);
  }

  private static int bstrHead(int length) {
    return length < 24 ? 1 : length < 256 ? 2 : length < 65_536 ? 3 : 5;
  }

  /** A structurally valid envelope: the parts still to be checked. */
  record Parts(
      byte[] protectedHeader, SignerKeys.Signer signer, byte[] payload, byte[] signature) {}

  /** Parses {@code envelope} and checks its signature; the payload is not yet decoded. */
  static Parts open(byte[] envelope, int length, WireLimits limits) {
    if (length > limits.maxMessageBytes()) {
      throw new ProtocolException(
          Reason.OVERSIZED,
          "message of " + length + " bytes, more than " + limits.maxMessageBytes() + " allowed");
    }
    Parts parts;
    boolean verified;
    try {
      parts = parse(envelope, length);
      verified = verify(parts);
    } catch (ProtocolException refused) {
      throw refused;
    } catch (RuntimeException slipped) {
      // the parser and the key and signature code are not ours: whatever they throw on hostile
      // bytes is a malformed message, never an exception that ends a receive loop (see
      // MessageCodec)
      throw new ProtocolException(
          Reason.MALFORMED, "envelope cannot be decoded: " + slipped, slipped);
    }
    if (!verified) {
      throw new ProtocolException(Reason.BAD_SIGNATURE, "signature does not verify");
    }
    return parts;
  }

  private static Parts parse(byte[] envelope, int length) {
    String what = "envelope";
    if (length == 0) {
      throw new ProtocolException(Reason.TRUNCATED, "empty message");
    }
    CborScan.check(envelope, 0, length, what);
    try (CBORParser p = Cbor.FACTORY.createParser(envelope, 0, length)) {
      JsonToken token = p.nextToken();
      if (token == null) {
        throw new ProtocolException(Reason.TRUNCATED, "empty message");
      }
      if (token != JsonToken.START_ARRAY || p.getCurrentTag() != TAG) {
        throw new ProtocolException(
            Reason.MALFORMED, "not a tagged COSE_Sign1 (tag 18, array of 4)");
      }
      CBORReadContext array = p.getParsingContext();
      if (!array.hasExpectedLength() || array.getExpectedLength() != 4) {
        throw new ProtocolException(Reason.MALFORMED, "COSE_Sign1 must be a definite array of 4");
      }
      byte[] protectedHeader = bytes(p, "protected header");
      SignerKeys.Signer signer = signer(protectedHeader);
      if (next(p) != JsonToken.START_OBJECT || p.getCurrentTag() != -1) {
        throw new ProtocolException(Reason.MALFORMED, "unprotected header must be a map");
      }
      CBORReadContext unprotected = p.getParsingContext();
      if (!unprotected.hasExpectedLength()
          || unprotected.getExpectedLength() != 0
          || next(p) != JsonToken.END_OBJECT) {
        throw new ProtocolException(Reason.MALFORMED, "unprotected header must be empty");
      }
      byte[] payload = bytes(p, "payload");
      byte[] signature = bytes(p, "signature");
      if (signature.length != SIGNATURE_BYTES) {
        throw new ProtocolException(
            Reason.MALFORMED, "signature of " + signature.length + " bytes, not 64");
      }
      if (next(p) != JsonToken.END_ARRAY) {
        throw new ProtocolException(Reason.MALFORMED, "COSE_Sign1 has more than 4 items");
      }
      if (p.nextToken() != null) {
        throw new ProtocolException(Reason.MALFORMED, "bytes after the COSE_Sign1 item");
      }
      return new Parts(protectedHeader, signer, payload, signature);
    } catch (IOException bad) {
      throw Cbor.translate(bad, what);
    }
  }

  /** The signer's key, after checking that the header says EdDSA and nothing else. */
  private static SignerKeys.Signer signer(byte[] protectedHeader) {
    boolean canonical =
        protectedHeader.length == PROTECTED_PREFIX.length + KEY_BYTES
            && Arrays.equals(
                protectedHeader,
                0,
                PROTECTED_PREFIX.length,
                PROTECTED_PREFIX,
                0,
                PROTECTED_PREFIX.length);
    if (!canonical) {
      // tell a foreign algorithm apart from garbage, so that peers see why they are refused
      Object alg = algorithmOf(protectedHeader);
      if (alg instanceof Long n && n != ALG_EDDSA) {
        throw new ProtocolException(
            Reason.UNKNOWN_ALGORITHM, "algorithm " + n + " is not EdDSA (-8)");
      }
      if (alg instanceof String text) {
        throw new ProtocolException(
            Reason.UNKNOWN_ALGORITHM, "algorithm '" + text + "' is not EdDSA (-8)");
      }
      throw new ProtocolException(
          Reason.MALFORMED, "protected header must be exactly {1: -8, 4: 32-byte Ed25519 key}");
    }
    SignerKeys.Signer signer =
        SignerKeys.of(
            Arrays.copyOfRange(protectedHeader, PROTECTED_PREFIX.length, protectedHeader.length));
    if (signer == null) {
      throw new ProtocolException(Reason.BAD_SIGNATURE, "kid is not a usable Ed25519 public key");
    }
    return signer;
  }

  /** The value of label 1 in a protected header map, or null when it cannot be found. */
  static Object algorithmOf(byte[] protectedHeader) {
    try {
      CborScan.check(protectedHeader, 0, protectedHeader.length, "protected header");
    } catch (ProtocolException garbage) {
      return null;
    }
    try (CBORParser p = Cbor.FACTORY.createParser(protectedHeader)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        boolean isAlg = "1".equals(p.currentName());
        JsonToken value = p.nextToken();
        if (isAlg) {
          return switch (value) {
            case VALUE_NUMBER_INT ->
                p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER
                    ? Long.MIN_VALUE
                    : p.getLongValue();
            case VALUE_STRING -> p.getText();
            default -> null;
          };
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException garbage) {
      return null; // the caller reports it as malformed
    }
  }

  private static boolean verify(Parts parts) {
    return EdDsa.verify(
        parts.signer().point(),
        sigStructure(parts.protectedHeader(), parts.payload()),
        parts.signature());
  }

  /** {@code ["Signature1", protected, h'', payload]}: the bytes Ed25519 signs (RFC 9052 §4.4). */
  static byte[] sigStructure(byte[] protectedHeader, byte[] payload) {
    var out = new ByteArrayOutputStream(payload.length + protectedHeader.length + 24);
    try (CBORGenerator g = Cbor.FACTORY.createGenerator(out)) {
      g.writeStartArray(null, 4);
      Cbor.write(g, "Signature1");
      g.writeBinary(protectedHeader);
      g.writeBinary(new byte[0]);
      g.writeBinary(payload);
      g.writeEndArray();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toByteArray();
  }

  static byte[] protectedHeader(byte[] rawKey) {
    byte[] header = Arrays.copyOf(PROTECTED_PREFIX, PROTECTED_PREFIX.length + KEY_BYTES);
    System.arraycopy(rawKey, 0, header, PROTECTED_PREFIX.length, KEY_BYTES);
    return header;
  }

  /** The 32 raw key bytes (RFC 8032) at the end of an Ed25519 SubjectPublicKeyInfo. */
  static byte[] rawKey(PublicKey key) {
    return org.weverywhere.trust.Ed25519.rawPublicKey(key);
  }

  static byte[] bytes(CBORParser p, String what) throws IOException {
    JsonToken token = next(p);
    if (token != JsonToken.VALUE_EMBEDDED_OBJECT
        || p.getCurrentTag() != -1
        || !(p.getEmbeddedObject() instanceof byte[] bytes)) {
      throw new ProtocolException(Reason.MALFORMED, what + " must be a byte string");
    }
    return bytes;
  }

  static JsonToken next(CBORParser p) throws IOException {
    JsonToken token = p.nextToken();
    if (token == null) {
      throw new ProtocolException(Reason.TRUNCATED, "message is truncated");
    }
    return token;
  }
}
