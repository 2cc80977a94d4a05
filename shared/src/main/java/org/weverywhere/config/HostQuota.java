package org.weverywhere.config;

import java.time.Duration;

/** What the whole host grants, all groups together. */
public record HostQuota(
    Cores cores, ByteSize memory, Rate networkRate, ByteSize networkPeriodBytes, Duration networkPeriod) {}
