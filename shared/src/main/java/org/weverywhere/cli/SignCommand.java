package org.weverywhere.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPem;
import org.weverywhere.wasm.ModuleSignatures;
import org.weverywhere.wasm.WasmFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weverywhere sign}: embeds an Ed25519 signature in a module (tool-conventions format). */
@Command(
    name = "sign",
    description = {
      "Sign a WebAssembly module with an Ed25519 private key.",
      "The signature goes into the module's first custom section 'signature' (WebAssembly",
      "tool-conventions format, as wasmsign2 writes it). Signing a signed module adds a signer;",
      "signing again with the same key replaces its signature. See docs/SIGNING.md."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere sign math.wasi --key ~/.config/weverywhere/keys/alice.key.pem",
      "  weverywhere sign math.wasi --key bob.key.pem --out math.signed.wasi",
      "  weverywhere inspect --config-dir /etc/weverywhere math.signed.wasi"
    })
final class SignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODULE", description = "The .wasm/.wasi file to sign.")
  Path module;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY",
      description = "Ed25519 private key (PEM, PKCS#8).")
  Path key;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the signed module here (default: replace MODULE).")
  Path out;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrivateKey privateKey = KeyPem.readPrivateKey(key);
    KeyPair keys = new KeyPair(Ed25519.publicKeyOf(privateKey), privateKey);
    byte[] original = read(module);
    byte[] signed;
    try {
      signed = ModuleSignatures.sign(original, keys);
    } catch (WasmFormatException bad) {
      throw new WeverywhereException(bad.code(), module + ": " + bad.getMessage(), bad);
    }
    Path target = out != null ? out : module;
    write(target, signed);
    ModuleSignatures.Report report = ModuleSignatures.verify(signed);
    List<String> signers = new ArrayList<>();
    report
        .checks()
        .forEach(c -> signers.add(c.signer().map(Fingerprint::toString).orElse("(unknown key)")));
    PrintWriter output = spec.commandLine().getOut();
    Fingerprint me = Fingerprint.of(keys.getPublic());
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("module", target.toString());
      result.put("signer", me.toString());
      result.put("signers", signers);
      output.println(new ObjectMapper().writeValueAsString(result));
    } else {
      output.printf("signed   %s%n", target);
      output.printf("by       %s%n", me);
      output.printf("signers  %d: %s%n", signers.size(), String.join(", ", signers));
    }
    output.flush();
    return ExitStatus.OK;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException missing) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, file + ": no such file", missing);
    } catch (AccessDeniedException denied) {
      throw new WeverywhereException(ErrorCode.IO_UNREADABLE, file + ": permission denied", denied);
    } catch (IOException unreadable) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE, file + ": cannot read: " + unreadable.getMessage(), unreadable);
    }
  }

  /**
   * Writes through a temporary file in the same directory, so a failure never leaves half a module.
   */
  private static void write(Path target, byte[] content) {
    Path directory = target.toAbsolutePath().getParent();
    Path temporary = null;
    try {
      temporary = Files.createTempFile(directory, ".sign-", ".tmp");
      Files.write(temporary, content);
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      temporary = null;
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNWRITABLE, target + ": cannot write: " + failed.getMessage(), failed);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the write already failed with its own error; a leftover .sign- file is the lesser
          // problem
        }
      }
    }
  }
}
