package org.weverywhere.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The durable event journal; an empty directory means {@code <state.dir>/events}. */
public record EventSettings(Optional<Path> journalDir, ByteSize maxFileSize, Duration retention) {}
