package org.weverywhere.host;

import org.weverywhere.config.Config;

/**
 * A CDI event: a valid configuration is about to replace the running one (a reload, set or unset).
 * An observer that could not run under it throws {@link
 * org.weverywhere.config.InvalidConfigException} naming file and line, and nothing is written or
 * changed, as for a configuration the loader itself refuses.
 */
public record ConfigProposed(Config next) {}
