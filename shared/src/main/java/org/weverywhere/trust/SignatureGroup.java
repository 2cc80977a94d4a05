package org.weverywhere.trust;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A named set of trusted Ed25519 public keys, read from {@code groups/<name>/*.pub-key.pem}.
 * Privileges and quotas are attached to the name by the configuration, not here.
 */
public record SignatureGroup(String name, List<GroupKey> keys) {
  /** The built-in group of every requester whose key is in no other group; it never has keys. */
  public static final String ANONYMOUS = "anonymous";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public SignatureGroup {
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid group name: " + name);
    }
    keys = List.copyOf(keys);
  }

  /** ASCII letters, digits, '-' and '_', 1 to 64 characters. */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  public boolean isAnonymous() {
    return ANONYMOUS.equals(name);
  }
}
