package org.weverywhere.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.weverywhere.config.Config;
import org.weverywhere.trust.SignatureGroup;
import org.weverywhere.trust.SignatureGroups;

/**
 * The Signature Groups a host knows: those whose keys are on disk ({@code <config dir>/groups}) and
 * those its configuration names. A group that only has keys gets the same default privileges and
 * quotas as one the files name, so authorisation, the executor's quotas and {@code ctl status} all
 * ask here.
 */
public final class HostGroups {
  private HostGroups() {}

  /** The keys on disk; with the embedded sample there is no directory, so everyone is anonymous. */
  public static SignatureGroups keys(Config config) {
    Path dir = Path.of(config.location());
    return Files.isDirectory(dir) ? SignatureGroups.load(dir) : SignatureGroups.none();
  }

  /**
   * Every group's name: anonymous and those the configuration names first, then those with keys
   * only.
   */
  public static Set<String> names(Config config, SignatureGroups keys) {
    Set<String> names = new LinkedHashSet<>(config.groups());
    for (SignatureGroup group : keys.groups()) {
      names.add(group.name());
    }
    return names;
  }
}
