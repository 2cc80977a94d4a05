package org.weverywhere.trust;

import java.util.List;

/**
 * The Signature Groups a key belongs to, in group-name order; exactly {@code [anonymous]} when it
 * is in none. This is the seam to privileges and quotas: they are configured per group name, and a
 * requester gets what its groups grant.
 */
public record Membership(Fingerprint key, List<String> groups) {
  public Membership {
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("a key is at least in the anonymous group");
    }
  }

  /** The membership of a key that is in no configured group. */
  public static Membership anonymous(Fingerprint key) {
    return new Membership(key, List.of(SignatureGroup.ANONYMOUS));
  }

  public boolean isAnonymous() {
    return groups.equals(List.of(SignatureGroup.ANONYMOUS));
  }
}
