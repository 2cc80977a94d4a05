package org.weverywhere.config;

import java.nio.file.Path;
import java.util.Optional;

/** The local control socket and the Unix group allowed to use it besides the daemon's user. */
public record ControlSettings(Path socket, Optional<String> group) {}
