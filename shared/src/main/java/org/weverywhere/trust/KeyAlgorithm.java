package org.weverywhere.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The algorithm named inside a DER key (X.509 SubjectPublicKeyInfo or PKCS#8 PrivateKeyInfo), read
 * with BouncyCastle's ASN.1 structures, so that an RSA, EC or X25519 key is reported as "not
 * Ed25519" rather than as a corrupt file, which is all the JDK's KeyFactory would say.
 */
record KeyAlgorithm(String oid) {
  static final String ED25519 = "1.3.101.112";

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

  /** The algorithm of a SubjectPublicKeyInfo; every fault is an IllegalArgumentException. */
  static KeyAlgorithm ofPublicKeyInfo(byte[] der) {
    ASN1Primitive whole = whole(der);
    try {
      return new KeyAlgorithm(
          SubjectPublicKeyInfo.getInstance(whole).getAlgorithm().getAlgorithm().getId());
    } catch (IllegalStateException bad) { // BouncyCastle's ASN1ParsingException for a bad element
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }

  /** The algorithm of a PKCS#8 PrivateKeyInfo; every fault is an IllegalArgumentException. */
  static KeyAlgorithm ofPrivateKeyInfo(byte[] der) {
    ASN1Primitive whole = whole(der);
    try {
      return new KeyAlgorithm(
          PrivateKeyInfo.getInstance(whole).getPrivateKeyAlgorithm().getAlgorithm().getId());
    } catch (IllegalStateException bad) {
      throw new IllegalArgumentException(bad.getMessage(), bad);
    }
  }

  boolean isEd25519() {
    return ED25519.equals(oid);
  }

  /** A readable name: "RSA", "X25519", or the dotted OID when this reader does not know it. */
  String name() {
    return NAMES.getOrDefault(oid, "OID " + oid);
  }

  /** One ASN.1 value that fills {@code der} exactly, bounded by its length. */
  private static ASN1Primitive whole(byte[] der) {
    ByteArrayInputStream bytes = new ByteArrayInputStream(der);
    ASN1Primitive value;
    try (ASN1InputStream in = new ASN1InputStream(bytes, der.length)) {
      value = in.readObject();
    } catch (IOException | IllegalStateException bad) {
      throw new IllegalArgumentException(
          bad.getMessage() == null ? bad.getClass().getSimpleName() : bad.getMessage(), bad);
    }
    if (value == null) {
      throw new IllegalArgumentException("no DER value");
    }
    if (bytes.available() > 0) {
      throw new IllegalArgumentException(bytes.available() + " bytes after the DER structure");
    }
    return value;
  }
}
