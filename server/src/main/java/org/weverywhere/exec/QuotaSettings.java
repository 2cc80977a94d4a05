package org.weverywhere.exec;

import java.util.Map;

/** The host's quota and each Signature Group's, by group name (including {@code anonymous}). */
public record QuotaSettings(HostQuota host, Map<String, GroupQuota> groups) {
  public QuotaSettings {
    groups = Map.copyOf(groups);
  }
}
