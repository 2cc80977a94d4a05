package org.weverywhere.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyPairFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weverywhere keygen}: creates an Ed25519 key pair as two PEM files. */
@Command(
    name = "keygen",
    header = "Create an Ed25519 key pair to sign requests and modules with.",
    description = {
      "Create an Ed25519 key pair: NAME.key.pem (private, PKCS#8, mode 0600) and NAME.pub-key.pem"
          + " (public, SPKI), and print the public key's fingerprint.",
      "Give NAME.pub-key.pem to host owners who put it in a Signature Group; never share NAME.key.pem."
    },
    mixinStandardHelpOptions = true)
final class KeygenCommand implements Callable<Integer> {
  static final String FALLBACK_NAME = "default";

  @Spec CommandSpec spec;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "Key pair name: letters, digits, '-', '_', '.' (default: your user name, else 'default').")
  String name;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Directory for the two files (default: ~/.config/weverywhere/keys); created with mode 0700.")
  Path out;

  @Option(names = "--force", description = "Replace an existing key pair of the same name.")
  boolean force;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    String keyName = name != null ? name : defaultName(System.getProperty("user.name"));
    if (!KeyPairFiles.isValidName(keyName)) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--name': '"
              + keyName
              + "' (use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.')");
    }
    Path directory = out != null ? out : defaultDirectory(Path.of(System.getProperty("user.home")));
    createPrivateDirectory(directory);
    KeyPairFiles files = KeyPairFiles.named(directory, keyName);
    KeyPair pair = Ed25519.generate();
    files.write(pair, force);
    print(keyName, files, Fingerprint.of(pair.getPublic()));
    return ExitStatus.OK;
  }

  /** The user name when it is a valid key name (it usually is), else {@code default}. */
  static String defaultName(String userName) {
    return userName != null && KeyPairFiles.isValidName(userName) ? userName : FALLBACK_NAME;
  }

  static Path defaultDirectory(Path home) {
    return home.resolve(".config").resolve("weverywhere").resolve("keys");
  }

  private static void createPrivateDirectory(Path directory) {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      Files.createDirectories(directory, KeyPairFiles.directoryPermissions(directory));
    } catch (IOException failed) {
      throw new WeverywhereException(
          ErrorCode.IO_UNWRITABLE,
          directory + ": cannot create directory: " + failed.getMessage(),
          failed);
    }
  }

  private void print(String keyName, KeyPairFiles files, Fingerprint fingerprint)
      throws IOException {
    PrintWriter output = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("name", keyName);
      result.put("privateKey", files.privateKey().toString());
      result.put("publicKey", files.publicKey().toString());
      result.put("fingerprint", fingerprint.toString());
      result.put("shortFingerprint", fingerprint.shortForm());
      output.println(
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      output.printf("private key  %s  (mode 0600: keep it secret)%n", files.privateKey());
      output.printf("public key   %s%n", files.publicKey());
      output.printf("fingerprint  %s%n", fingerprint);
    }
    output.flush();
  }
}
