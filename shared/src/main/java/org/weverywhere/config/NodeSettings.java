package org.weverywhere.config;

import java.nio.file.Path;
import java.util.Optional;

/** Who this daemon is and where it keeps its state; empty means "use the documented fallback". */
public record NodeSettings(Optional<String> name, Optional<Path> stateDir) {}
