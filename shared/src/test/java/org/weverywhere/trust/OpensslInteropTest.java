package org.weverywhere.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;

/** Our key files and openssl's are the same files, in both directions. Skipped without openssl. */
class OpensslInteropTest {
  @TempDir Path directory;

  @BeforeAll
  static void requireOpenssl() {
    String reason = opensslMissing();
    if (reason != null) {
      System.out.println("OpensslInteropTest skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  @Test
  void readsKeysOpensslGenerated() throws Exception {
    Path privateFile = directory.resolve("o.key.pem");
    Path publicFile = directory.resolve("o.pub-key.pem");
    openssl("genpkey", "-algorithm", "ed25519", "-out", privateFile.toString());
    openssl("pkey", "-in", privateFile.toString(), "-pubout", "-out", publicFile.toString());

    PrivateKey privateKey = KeyPem.readPrivateKey(privateFile);
    PublicKey publicKey = KeyPem.readPublicKey(publicFile);

    assertArrayEquals(publicKey.getEncoded(), Ed25519.publicKeyOf(privateKey).getEncoded());
    byte[] message = "signed by a key openssl made".getBytes(StandardCharsets.UTF_8);
    assertTrue(Ed25519.verify(publicKey, message, Ed25519.sign(privateKey, message)));
    assertEquals(opensslFingerprint(publicFile), Fingerprint.of(publicKey).toString());
  }

  @Test
  void opensslReadsKeysWeWrote() throws Exception {
    KeyPair pair = Ed25519.generate();
    KeyPairFiles files = KeyPairFiles.named(directory, "ours");
    files.write(pair, false);

    String derivedByOpenssl = openssl("pkey", "-in", files.privateKey().toString(), "-pubout");
    String checkedByOpenssl = openssl("pkey", "-pubin", "-in", files.publicKey().toString());

    assertEquals(Files.readString(files.publicKey()), derivedByOpenssl);
    assertEquals(Files.readString(files.publicKey()), checkedByOpenssl);
    assertEquals(
        opensslFingerprint(files.publicKey()), Fingerprint.of(pair.getPublic()).toString());
  }

  @Test
  void opensslVerifiesOurSignatureAndWeVerifyItsSignature() throws Exception {
    KeyPairFiles files = KeyPairFiles.named(directory, "ours");
    KeyPair pair = Ed25519.generate();
    files.write(pair, false);
    Path message =
        Files.writeString(directory.resolve("message"), "one message, two implementations");
    Path ourSignature =
        Files.write(
            directory.resolve("ours.sig"),
            Ed25519.sign(pair.getPrivate(), Files.readAllBytes(message)));

    String verdict =
        openssl(
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            files.publicKey().toString(),
            "-rawin",
            "-in",
            message.toString(),
            "-sigfile",
            ourSignature.toString());
    assertEquals("Signature Verified Successfully", verdict.strip());

    Path opensslSignature = directory.resolve("openssl.sig");
    openssl(
        "pkeyutl",
        "-sign",
        "-inkey",
        files.privateKey().toString(),
        "-rawin",
        "-in",
        message.toString(),
        "-out",
        opensslSignature.toString());
    assertTrue(
        Ed25519.verify(
            pair.getPublic(), Files.readAllBytes(message), Files.readAllBytes(opensslSignature)));
  }

  @Test
  void opensslRsaAndEcAndX25519KeysAreNotEd25519() throws Exception {
    String[][] kinds = {
      {"RSA", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024"},
      {"EC", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"},
      {"X25519", "-algorithm", "x25519"},
    };
    for (String[] kind : kinds) {
      Path privateFile = directory.resolve(kind[0] + ".key.pem");
      Path publicFile = directory.resolve(kind[0] + ".pub-key.pem");
      List<String> generate = new ArrayList<>(List.of("genpkey"));
      generate.addAll(List.of(kind).subList(1, kind.length));
      generate.addAll(List.of("-out", privateFile.toString()));
      openssl(generate.toArray(String[]::new));
      openssl("pkey", "-in", privateFile.toString(), "-pubout", "-out", publicFile.toString());

      KeyException publicFailure =
          assertThrows(KeyException.class, () -> KeyPem.readPublicKey(publicFile));
      assertEquals(ErrorCode.KEY_NOT_ED25519, publicFailure.code());
      assertEquals(
          publicFile + ": is an " + kind[0] + " public key, not Ed25519",
          publicFailure.getMessage());
      KeyException privateFailure =
          assertThrows(KeyException.class, () -> KeyPem.readPrivateKey(privateFile));
      assertEquals(ErrorCode.KEY_NOT_ED25519, privateFailure.code());
      assertEquals(
          privateFile + ": is an " + kind[0] + " private key, not Ed25519",
          privateFailure.getMessage());
    }
  }

  /** The OpenSSH-style fingerprint computed by openssl alone, for comparison. */
  private String opensslFingerprint(Path publicFile) throws Exception {
    Path der = directory.resolve("spki.der");
    openssl(
        "pkey", "-pubin", "-in", publicFile.toString(), "-outform", "DER", "-out", der.toString());
    Path digest = directory.resolve("spki.sha256");
    openssl("dgst", "-sha256", "-binary", "-out", digest.toString(), der.toString());
    return "SHA256:"
        + Base64.getEncoder().withoutPadding().encodeToString(Files.readAllBytes(digest));
  }

  private static String openssl(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl did not finish: " + command);
    assertEquals(0, process.exitValue(), command + " failed: " + output);
    return output;
  }

  /** Null when an openssl with Ed25519 runs here, else why not. */
  private static String opensslMissing() {
    try {
      Process process =
          new ProcessBuilder("openssl", "list", "-public-key-algorithms")
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return "'openssl list' failed: " + output.strip();
      }
      return output.toUpperCase().contains("ED25519") ? null : "this openssl has no Ed25519";
    } catch (IOException notInstalled) {
      return "no openssl command on PATH (" + notInstalled.getMessage() + ")";
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return "interrupted while looking for openssl";
    }
  }
}
