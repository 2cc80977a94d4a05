package org.weverywhere.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.HexFormat;
import org.weverywhere.ErrorCode;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.GroupKey;
import org.weverywhere.trust.KeyException;
import org.weverywhere.trust.KeyPairFiles;
import org.weverywhere.trust.KeyPem;
import org.weverywhere.trust.SignatureGroup;
import org.weverywhere.trust.SignatureGroups;

/**
 * The key files of the Signature Groups, {@code <config dir>/groups/<Group>/*.pub-key.pem}, as
 * control edits them: a key is added as a file named after its fingerprint, and removed by
 * fingerprint whatever its file is called.
 */
final class GroupKeyFiles {
  private final Path configDir;

  GroupKeyFiles(Path configDir) {
    this.configDir = configDir;
  }

  /**
   * Adds the public key in {@code pem} to {@code group} (created if new); returns its fingerprint.
   */
  Fingerprint add(String group, byte[] pem) {
    checkName(group);
    PublicKey key;
    try {
      key = KeyPem.parsePublicKey(pem, Path.of("the key sent"));
    } catch (KeyException bad) {
      throw new ControlException(ErrorCode.CONTROL_BAD_REQUEST, bad.getMessage());
    }
    Fingerprint fingerprint = Fingerprint.of(key);
    if (find(group, fingerprint) != null) {
      throw new ControlException(
          ErrorCode.CONTROL_BAD_REQUEST,
          "key " + fingerprint + " is already in group '" + group + "'");
    }
    Path dir = configDir.resolve(SignatureGroups.DIRECTORY).resolve(group);
    Path file =
        dir.resolve(
            "key-"
                + HexFormat.of().formatHex(fingerprint.sha256(), 0, 12)
                + KeyPairFiles.PUBLIC_SUFFIX);
    try {
      Files.createDirectories(dir);
      Path aside = dir.resolve("." + file.getFileName() + ".new");
      Files.writeString(aside, KeyPem.publicKeyText(key), StandardCharsets.US_ASCII);
      Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return fingerprint;
  }

  /** Removes the key with {@code fingerprint} from {@code group}; returns the file removed. */
  Path remove(String group, Fingerprint fingerprint) {
    checkName(group);
    GroupKey key = find(group, fingerprint);
    if (key == null) {
      throw new ControlException(
          ErrorCode.CONTROL_BAD_REQUEST, "group '" + group + "' has no key " + fingerprint);
    }
    try {
      Files.delete(key.file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + key.file() + ": " + e.getMessage(), e);
    }
    return key.file();
  }

  private GroupKey find(String group, Fingerprint fingerprint) {
    return SignatureGroups.load(configDir).group(group).stream()
        .flatMap(g -> g.keys().stream())
        .filter(k -> k.fingerprint().equals(fingerprint))
        .findFirst()
        .orElse(null);
  }

  private static void checkName(String group) {
    if (!SignatureGroup.isValidName(group) || group.equals(SignatureGroup.ANONYMOUS)) {
      throw new ControlException(
          ErrorCode.CONTROL_BAD_REQUEST,
          "'"
              + group
              + "' is not a group that can hold keys (1 to 64 letters, digits, '-', '_'; not anonymous)");
    }
  }
}
