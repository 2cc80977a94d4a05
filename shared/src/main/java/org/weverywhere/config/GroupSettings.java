package org.weverywhere.config;

import java.util.Set;
import org.weverywhere.trust.Privilege;

/** What the keys of one Signature Group may do, and how much of the host they may use. */
public record GroupSettings(String name, Set<Privilege> privileges, GroupQuota quota) {
  public GroupSettings {
    privileges = Set.copyOf(privileges);
  }

  public boolean may(Privilege privilege) {
    return privileges.contains(privilege);
  }
}
