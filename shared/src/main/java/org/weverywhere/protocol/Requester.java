package org.weverywhere.protocol;

import java.util.Set;
import org.weverywhere.trust.Membership;
import org.weverywhere.trust.Privilege;

/**
 * Who sent a verified request and what they may do.
 *
 * @param membership the signer's key and its Signature Groups ({@code [anonymous]} when none)
 * @param privileges the union of its groups' privileges
 * @param chargedGroup the group whose quotas the request uses: the one it names, else its first
 */
public record Requester(Membership membership, Set<Privilege> privileges, String chargedGroup) {
  public Requester {
    privileges = Set.copyOf(privileges);
  }

  public boolean may(Privilege privilege) {
    return privileges.contains(privilege);
  }
}
