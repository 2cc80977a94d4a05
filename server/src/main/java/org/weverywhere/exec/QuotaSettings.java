package org.weverywhere.exec;

import java.util.Map;

/** The host's quota and each Signature Group's, by group name (including {@code anonymous}). */
public record QuotaSettings(HostLimits host, Map<String, GroupLimits> groups) {
  public QuotaSettings {
    groups = Map.copyOf(groups);
  }
}
