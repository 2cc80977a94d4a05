package org.weverywhere.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Set;
import org.weverywhere.ErrorCode;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.KeyException;
import org.weverywhere.trust.KeyPairFiles;
import org.weverywhere.trust.KeyPem;

/**
 * The host's own Ed25519 key: it signs every reply and event, and its fingerprint is the node id.
 * Created on first start as {@code host.key.pem} (mode 0600) in the state directory, then reused.
 */
public record HostIdentity(KeyPair keys, Fingerprint nodeId, boolean created) {
  public static final String KEY_NAME = "host";

  /** Loads the host key from the state directory, or creates it there if there is none. */
  public static HostIdentity loadOrCreate(StateDirectory state) {
    KeyPairFiles files = KeyPairFiles.named(state.path(), KEY_NAME);
    if (!Files.exists(files.privateKey())) {
      KeyPair pair = Ed25519.generate();
      files.write(pair, false);
      return new HostIdentity(pair, Fingerprint.of(pair.getPublic()), true);
    }
    refuseIfOthersCanRead(files);
    PrivateKey privateKey = KeyPem.readPrivateKey(files.privateKey());
    PublicKey publicKey = Ed25519.publicKeyOf(privateKey);
    return new HostIdentity(new KeyPair(publicKey, privateKey), Fingerprint.of(publicKey), false);
  }

  /** A host key that others could read is no longer the host's alone: say so, like ssh does. */
  private static void refuseIfOthersCanRead(KeyPairFiles files) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(files.privateKey());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mode of " + files.privateKey(), e);
    }
    mode.retainAll(
        Set.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE));
    if (!mode.isEmpty()) {
      throw new KeyException(
          ErrorCode.KEY_EXPOSED,
          files.privateKey(),
          "host key is accessible to other users ("
              + mode
              + "); chmod 600 it or remove it to make a new one");
    }
  }
}
