package org.weverywhere.trust;

import java.nio.file.Path;
import java.security.PublicKey;

/** One trusted public key of a Signature Group, with the file it was read from. */
public record GroupKey(Path file, PublicKey key, Fingerprint fingerprint) {
  static GroupKey read(Path file) {
    PublicKey key = KeyPem.readPublicKey(file);
    return new GroupKey(file, key, Fingerprint.of(key));
  }
}
