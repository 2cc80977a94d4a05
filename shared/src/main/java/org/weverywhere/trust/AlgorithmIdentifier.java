package org.weverywhere.trust;

import java.util.Map;

/**
 * The algorithm named inside a DER key (X.509 SubjectPublicKeyInfo or PKCS#8 PrivateKeyInfo). Read
 * by hand, only as deep as the algorithm OID, so that an RSA, EC or X25519 key is reported as "not
 * Ed25519" rather than as a corrupt file, which is all the JDK's KeyFactory would say.
 */
record AlgorithmIdentifier(String oid) {
  static final String ED25519 = "1.3.101.112";

  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;
  private static final int OID = 0x06;

  private static final Map<String, String> NAMES =
      Map.of(
          ED25519,
          "Ed25519",
          "1.3.101.113",
          "Ed448",
          "1.3.101.110",
          "X25519",
          "1.3.101.111",
          "X448",
          "1.2.840.113549.1.1.1",
          "RSA",
          "1.2.840.113549.1.1.10",
          "RSASSA-PSS",
          "1.2.840.10045.2.1",
          "EC",
          "1.2.840.10040.4.1",
          "DSA",
          "1.2.840.113549.1.3.1",
          "DH");

  /** The algorithm of a SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID, ... }, BIT STRING }. */
  static AlgorithmIdentifier ofPublicKeyInfo(byte[] der) {
    Reader outer = new Reader(der, 0, der.length).enterWhole(SEQUENCE);
    return new AlgorithmIdentifier(outer.enter(SEQUENCE).oid());
  }

  /**
   * The algorithm of a PrivateKeyInfo: SEQUENCE { INTEGER, SEQUENCE { OID, ... }, OCTET STRING }.
   */
  static AlgorithmIdentifier ofPrivateKeyInfo(byte[] der) {
    Reader outer = new Reader(der, 0, der.length).enterWhole(SEQUENCE);
    outer.skip(INTEGER);
    return new AlgorithmIdentifier(outer.enter(SEQUENCE).oid());
  }

  boolean isEd25519() {
    return ED25519.equals(oid);
  }

  /** A readable name: "RSA", "X25519", or the dotted OID when this reader does not know it. */
  String name() {
    return NAMES.getOrDefault(oid, "OID " + oid);
  }

  /** Walks DER TLVs within [position, end); every fault is an IllegalArgumentException. */
  private static final class Reader {
    private final byte[] der;
    private int position;
    private final int end;

    Reader(byte[] der, int position, int end) {
      this.der = der;
      this.position = position;
      this.end = end;
    }

    /** Enters a constructed value that must fill the whole input, with no bytes after it. */
    Reader enterWhole(int tag) {
      Reader inner = enter(tag);
      if (position != end) {
        throw new IllegalArgumentException((end - position) + " bytes after the DER structure");
      }
      return inner;
    }

    Reader enter(int tag) {
      int length = header(tag);
      Reader inner = new Reader(der, position, position + length);
      position += length;
      return inner;
    }

    void skip(int tag) {
      int length = header(tag); // before the +=, which would otherwise read position too early
      position += length;
    }

    String oid() {
      int length = header(OID);
      if (length == 0) {
        throw new IllegalArgumentException("empty algorithm OID");
      }
      StringBuilder dotted = new StringBuilder();
      long arc = 0;
      boolean first = true;
      for (int i = position; i < position + length; i++) {
        int b = der[i] & 0xff;
        if (arc > (Long.MAX_VALUE >> 7)) {
          throw new IllegalArgumentException("algorithm OID arc too large");
        }
        arc = (arc << 7) | (b & 0x7f);
        if ((b & 0x80) == 0) {
          if (first) {
            long top = Math.min(arc / 40, 2);
            dotted.append(top).append('.').append(arc - top * 40);
            first = false;
          } else {
            dotted.append('.').append(arc);
          }
          arc = 0;
        }
      }
      if ((der[position + length - 1] & 0x80) != 0) {
        throw new IllegalArgumentException("algorithm OID ends inside an arc");
      }
      position += length;
      return dotted.toString();
    }

    /** Reads a tag and a definite length, checks both, and returns the content length. */
    private int header(int tag) {
      if (position >= end) {
        throw new IllegalArgumentException("DER ends where a value was expected");
      }
      int found = der[position++] & 0xff;
      if (found != tag) {
        throw new IllegalArgumentException(
            String.format("DER tag 0x%02x where 0x%02x was expected", found, tag));
      }
      if (position >= end) {
        throw new IllegalArgumentException("DER ends inside a length");
      }
      int first = der[position++] & 0xff;
      int length;
      if (first < 0x80) {
        length = first;
      } else {
        int octets = first & 0x7f;
        // keys are small: more than 3 length octets (16 MiB) or the indefinite form is not DER here
        if (octets == 0 || octets > 3 || end - position < octets) {
          throw new IllegalArgumentException("unsupported or truncated DER length");
        }
        length = 0;
        for (int i = 0; i < octets; i++) {
          length = (length << 8) | (der[position++] & 0xff);
        }
      }
      if (length > end - position) {
        throw new IllegalArgumentException("DER value longer than its container");
      }
      return length;
    }
  }
}
