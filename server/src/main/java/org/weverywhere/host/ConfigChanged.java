package org.weverywhere.host;

import java.util.List;
import org.weverywhere.config.Config;

/**
 * A CDI event: the running configuration was replaced (or the Signature Group keys on disk
 * changed). Observers apply what they can live; {@code keys} are the keys whose effective value
 * differs, and {@code by} says who asked, for the journal.
 */
public record ConfigChanged(Config previous, Config next, String by, List<String> keys) {
  public ConfigChanged {
    keys = List.copyOf(keys);
  }
}
