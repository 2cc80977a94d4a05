package org.weverywhere.config;

import java.time.Duration;

/** How modules are executed: engine, caches and per-execution bounds that are not per group. */
public record ExecutorSettings(
    Engine engine,
    int moduleCacheModules,
    ByteSize outputMax,
    Duration wallTimeout,
    int queueMax) {}
