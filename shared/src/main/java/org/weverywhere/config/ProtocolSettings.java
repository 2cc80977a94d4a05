package org.weverywhere.config;

import java.time.Duration;

/** Checks on incoming messages: accepted clock skew and the size of the replay cache. */
public record ProtocolSettings(Duration clockSkew, int replayCacheSize) {}
