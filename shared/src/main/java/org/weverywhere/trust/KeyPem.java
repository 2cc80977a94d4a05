package org.weverywhere.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import org.weverywhere.ErrorCode;

/**
 * Ed25519 keys in PEM files, the same files {@code openssl genpkey -algorithm ed25519} and {@code
 * openssl pkey -pubout} write: private keys as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), public
 * keys as X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}).
 *
 * <p>Reading is strict and bounded (see {@link PemArmor}); every fault is a {@link KeyException}
 * whose message starts with the file: {@code KEY_MALFORMED}, {@code KEY_NOT_ED25519}, or {@code
 * IO_UNREADABLE}.
 */
public final class KeyPem {
  /** Larger files are refused unread: an Ed25519 PEM key is about 120 bytes. */
  public static final int MAX_FILE_BYTES = 64 * 1024;

  public static final String PUBLIC_LABEL = "PUBLIC KEY";
  public static final String PRIVATE_LABEL = "PRIVATE KEY";

  private KeyPem() {}

  public static PublicKey readPublicKey(Path file) {
    return parsePublicKey(read(file), file);
  }

  public static PrivateKey readPrivateKey(Path file) {
    return parsePrivateKey(read(file), file);
  }

  /** The public key in PEM {@code content}; {@code source} is the file named in errors. */
  public static PublicKey parsePublicKey(byte[] content, Path source) {
    checkSize(content.length, source);
    return Ed25519.publicKey(PemArmor.decode(content, PUBLIC_LABEL, source), source);
  }

  /** The private key in PEM {@code content}; {@code source} is the file named in errors. */
  public static PrivateKey parsePrivateKey(byte[] content, Path source) {
    checkSize(content.length, source);
    return Ed25519.privateKey(PemArmor.decode(content, PRIVATE_LABEL, source), source);
  }

  /** The SPKI PEM text of an Ed25519 public key. */
  public static String publicKeyText(PublicKey key) {
    requireEd25519(key);
    return PemArmor.encode(PUBLIC_LABEL, key.getEncoded());
  }

  /** The PKCS#8 PEM bytes of an Ed25519 private key (bytes, so the caller can wipe them). */
  public static byte[] privateKeyText(PrivateKey key) {
    requireEd25519(key);
    return PemArmor.encode(PRIVATE_LABEL, key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
  }

  /** The file's bytes, refusing to read more than {@link #MAX_FILE_BYTES}. */
  static byte[] read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes(MAX_FILE_BYTES + 1);
      checkSize(content.length, file);
      return content;
    } catch (NoSuchFileException missing) {
      throw new KeyException(ErrorCode.IO_UNREADABLE, file, 0, "no such file", missing);
    } catch (IOException unreadable) {
      throw new KeyException(
          ErrorCode.IO_UNREADABLE, file, 0, "cannot read: " + unreadable.getMessage(), unreadable);
    }
  }

  private static void checkSize(int length, Path source) {
    if (length > MAX_FILE_BYTES) {
      throw new KeyException(
          ErrorCode.KEY_MALFORMED,
          source,
          "larger than " + MAX_FILE_BYTES / 1024 + " KiB; not a key file");
    }
  }

  private static void requireEd25519(Key key) {
    // the JDK names generated keys "EdDSA" and decoded ones "Ed25519": ask the curve instead
    if (!(key instanceof EdECKey edKey)
        || !"Ed25519".equalsIgnoreCase(edKey.getParams().getName())) {
      throw new IllegalArgumentException("not an Ed25519 key: " + key.getAlgorithm());
    }
  }
}
