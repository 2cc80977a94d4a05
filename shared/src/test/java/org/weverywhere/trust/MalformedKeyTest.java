package org.weverywhere.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;

/** Every way a key file can be wrong gives a KeyException with its code, file and line. */
class MalformedKeyTest {
  private static final Path FILE = Path.of("groups/ops/bob.pub-key.pem");

  @TempDir Path directory;

  private final String valid = KeyPem.publicKeyText(Ed25519.generate().getPublic());
  private final String base64Line = valid.lines().toList().get(1);

  @Test
  void emptyFile() {
    assertPublicFails("", ErrorCode.KEY_MALFORMED, "empty; expected -----BEGIN PUBLIC KEY-----");
    assertPublicFails(
        "\n \n", ErrorCode.KEY_MALFORMED, "empty; expected -----BEGIN PUBLIC KEY-----");
  }

  @Test
  void truncatedBase64() {
    String truncated = valid.replace(base64Line, base64Line.substring(0, 55));
    assertPublicFails(
        truncated,
        ErrorCode.KEY_MALFORMED,
        "2: base64 is truncated (55 characters, not a multiple of 4)");
  }

  @Test
  void base64CutAtAQuantumLeavesIncompleteDer() {
    String truncated = valid.replace(base64Line, base64Line.substring(0, 56));
    assertPublicFails(
        truncated,
        ErrorCode.KEY_MALFORMED,
        "not a DER SubjectPublicKeyInfo: DEF length 42 object truncated by 2");
  }

  @Test
  void fileCutInTheMiddle() {
    String cut = valid.substring(0, valid.indexOf(base64Line) + 30);
    assertPublicFails(
        cut,
        ErrorCode.KEY_MALFORMED,
        "1: -----BEGIN PUBLIC KEY----- has no matching -----END PUBLIC KEY----- line");
  }

  @Test
  void invalidBase64Character() {
    String bad =
        valid.replace(base64Line, base64Line.substring(0, 9) + "*" + base64Line.substring(10));
    assertPublicFails(bad, ErrorCode.KEY_MALFORMED, "2: invalid base64 character '*' at column 10");
  }

  @Test
  void nonCanonicalBase64() {
    // 44 bytes end in one "=": the character before it carries 2 unused bits, which must be zero
    char last = base64Line.charAt(58);
    char sibling =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .charAt(
                ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(last))
                    ^ 1);
    String bad = valid.replace(base64Line, base64Line.substring(0, 58) + sibling + "=");
    assertPublicFails(
        bad, ErrorCode.KEY_MALFORMED, "2: base64 is not canonical (stray bits before the padding)");
  }

  @Test
  void paddingInTheMiddle() {
    String bad = valid.replace(base64Line, "AAA=\n" + base64Line);
    assertPublicFails(
        bad, ErrorCode.KEY_MALFORMED, "3: base64 continues after the padding on line 2");
  }

  @Test
  void blankLineInsideTheBlock() {
    String bad =
        valid.replace(base64Line, base64Line.substring(0, 32) + "\n\n" + base64Line.substring(32));
    assertPublicFails(bad, ErrorCode.KEY_MALFORMED, "3: blank line inside the base64 block");
  }

  @Test
  void pemHeadersAreNotAccepted() {
    String bad = valid.replace(base64Line, "Proc-Type: 4,ENCRYPTED\n" + base64Line);
    assertPublicFails(bad, ErrorCode.KEY_MALFORMED, "2: invalid base64 character '-' at column 5");
  }

  @Test
  void overlongBase64Line() {
    String bad = valid.replace(base64Line, "A".repeat(80));
    assertPublicFails(bad, ErrorCode.KEY_MALFORMED, "2: base64 line longer than 76 characters");
  }

  @Test
  void wrongArmor() {
    String certificate = valid.replace("PUBLIC KEY", "CERTIFICATE");
    assertPublicFails(
        certificate,
        ErrorCode.KEY_MALFORMED,
        "1: expected -----BEGIN PUBLIC KEY----- but found -----BEGIN CERTIFICATE-----");
  }

  @Test
  void mismatchedEndLine() {
    String bad = valid.replace("-----END PUBLIC KEY-----", "-----END PRIVATE KEY-----");
    assertPublicFails(
        bad,
        ErrorCode.KEY_MALFORMED,
        "3: expected -----END PUBLIC KEY----- but found '-----END PRIVATE KEY-----'");
  }

  @Test
  void textBeforeTheBlock() {
    assertPublicFails(
        "my key:\n" + valid,
        ErrorCode.KEY_MALFORMED,
        "1: expected -----BEGIN PUBLIC KEY----- but found 'my key:'");
  }

  @Test
  void trailingJunk() {
    assertPublicFails(
        valid + "\njunk\n",
        ErrorCode.KEY_MALFORMED,
        "5: text after -----END PUBLIC KEY-----: 'junk'");
    assertPublicFails(
        valid + valid,
        ErrorCode.KEY_MALFORMED,
        "4: text after -----END PUBLIC KEY-----: '-----BEGIN PUBLIC KEY-----'");
  }

  @Test
  void trailingBytesAfterTheDer() {
    byte[] der = Arrays.copyOf(Base64.getDecoder().decode(base64Line), 46);
    assertPublicFails(
        PemArmor.encode("PUBLIC KEY", der),
        ErrorCode.KEY_MALFORMED,
        "not a DER SubjectPublicKeyInfo: 2 bytes after the DER structure");
  }

  @Test
  void binaryJunk() {
    byte[] junk = {0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00};
    KeyException failure =
        assertThrows(KeyException.class, () -> KeyPem.parsePublicKey(junk, FILE));
    assertFailure(failure, ErrorCode.KEY_MALFORMED, "1: byte 0x7f is not PEM text (binary file?)");
  }

  @Test
  void nonAsciiText() {
    assertPublicFails(
        valid.replace("-----END", "é\n-----END"),
        ErrorCode.KEY_MALFORMED,
        "3: byte 0xc3 is not PEM text (binary file?)");
  }

  @Test
  void rsaKey() throws Exception {
    assertPublicFails(spki("RSA"), ErrorCode.KEY_NOT_ED25519, "is an RSA public key, not Ed25519");
  }

  @Test
  void ecKey() throws Exception {
    assertPublicFails(spki("EC"), ErrorCode.KEY_NOT_ED25519, "is an EC public key, not Ed25519");
  }

  @Test
  void x25519Key() throws Exception {
    assertPublicFails(
        spki("X25519"), ErrorCode.KEY_NOT_ED25519, "is an X25519 public key, not Ed25519");
  }

  @Test
  void ed448Key() throws Exception {
    assertPublicFails(
        spki("Ed448"), ErrorCode.KEY_NOT_ED25519, "is an Ed448 public key, not Ed25519");
  }

  @Test
  void rsaPrivateKeyWhereAPrivateKeyIsExpected() throws Exception {
    byte[] pkcs8 =
        PemArmor.encode("PRIVATE KEY", otherKeyPair("RSA").getPrivate().getEncoded())
            .getBytes(StandardCharsets.US_ASCII);
    KeyException failure =
        assertThrows(KeyException.class, () -> KeyPem.parsePrivateKey(pkcs8, FILE));
    assertFailure(failure, ErrorCode.KEY_NOT_ED25519, "is an RSA private key, not Ed25519");
  }

  @Test
  void pkcs1ArmorNamesTheAlgorithm() {
    assertPublicFails(
        valid.replace("PUBLIC KEY", "RSA PUBLIC KEY"),
        ErrorCode.KEY_NOT_ED25519,
        "1: is an RSA key (-----BEGIN RSA PUBLIC KEY-----), not Ed25519");
  }

  @Test
  void privateKeyWhereAPublicKeyIsExpected() {
    String privateText =
        new String(
            KeyPem.privateKeyText(Ed25519.generate().getPrivate()), StandardCharsets.US_ASCII);
    assertPublicFails(
        privateText,
        ErrorCode.KEY_MALFORMED,
        "1: is a private key (-----BEGIN PRIVATE KEY-----) where a public key belongs; never share it");
  }

  @Test
  void publicKeyWhereAPrivateKeyIsExpected() {
    KeyException failure =
        assertThrows(
            KeyException.class,
            () -> KeyPem.parsePrivateKey(valid.getBytes(StandardCharsets.US_ASCII), FILE));
    assertFailure(
        failure,
        ErrorCode.KEY_MALFORMED,
        "1: expected -----BEGIN PRIVATE KEY----- but found -----BEGIN PUBLIC KEY-----");
  }

  @Test
  void encryptedPrivateKey() {
    byte[] text =
        valid.replace("PUBLIC KEY", "ENCRYPTED PRIVATE KEY").getBytes(StandardCharsets.US_ASCII);
    KeyException failure =
        assertThrows(KeyException.class, () -> KeyPem.parsePrivateKey(text, FILE));
    assertFailure(
        failure,
        ErrorCode.KEY_MALFORMED,
        "1: is an encrypted private key; decrypt it first (openssl pkey -in FILE -out NEW)");
  }

  @Test
  void ed25519OidWithAWrongKeyLength() {
    byte[] der = Base64.getDecoder().decode(base64Line);
    byte[] longer = Arrays.copyOf(der, der.length + 1);
    longer[1]++; // SEQUENCE length
    longer[10]++; // BIT STRING length
    KeyException failure =
        assertThrows(
            KeyException.class,
            () ->
                KeyPem.parsePublicKey(
                    PemArmor.encode("PUBLIC KEY", longer).getBytes(StandardCharsets.US_ASCII),
                    FILE));
    assertEquals(ErrorCode.KEY_MALFORMED, failure.code());
    assertEquals(
        true,
        failure.getMessage().startsWith(FILE + ": invalid Ed25519 key: "),
        failure.getMessage());
  }

  @Test
  void oversizeFileIsRefusedUnparsed() throws Exception {
    Path file = directory.resolve("huge.pub-key.pem");
    Files.writeString(file, valid + " ".repeat(KeyPem.MAX_FILE_BYTES));

    KeyException failure = assertThrows(KeyException.class, () -> KeyPem.readPublicKey(file));
    assertEquals(ErrorCode.KEY_MALFORMED, failure.code());
    assertEquals(file + ": larger than 64 KiB; not a key file", failure.getMessage());
  }

  @Test
  void missingFile() {
    Path file = directory.resolve("absent.pub-key.pem");
    KeyException failure = assertThrows(KeyException.class, () -> KeyPem.readPublicKey(file));
    assertEquals(ErrorCode.IO_UNREADABLE, failure.code());
    assertEquals(file + ": no such file", failure.getMessage());
  }

  @Test
  void directoryInsteadOfAFile() throws Exception {
    Path file = Files.createDirectory(directory.resolve("dir.pub-key.pem"));
    KeyException failure = assertThrows(KeyException.class, () -> KeyPem.readPublicKey(file));
    assertEquals(ErrorCode.IO_UNREADABLE, failure.code());
    assertEquals(file + ": cannot read: Is a directory", failure.getMessage());
  }

  static KeyPair otherKeyPair(String algorithm) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    } else if (algorithm.equals("RSA")) {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  private static String spki(String algorithm) throws Exception {
    return PemArmor.encode("PUBLIC KEY", otherKeyPair(algorithm).getPublic().getEncoded());
  }

  private static void assertPublicFails(String text, ErrorCode code, String where) {
    KeyException failure =
        assertThrows(
            KeyException.class,
            () -> KeyPem.parsePublicKey(text.getBytes(StandardCharsets.UTF_8), FILE));
    assertFailure(failure, code, where);
  }

  /** {@code where} is "N: detail" for a fault on line N, or just the detail for the whole file. */
  private static void assertFailure(KeyException failure, ErrorCode code, String where) {
    assertEquals(
        FILE + (Character.isDigit(where.charAt(0)) ? ":" : ": ") + where, failure.getMessage());
    assertEquals(code, failure.code());
    assertEquals(FILE, failure.file().orElseThrow());
  }
}
