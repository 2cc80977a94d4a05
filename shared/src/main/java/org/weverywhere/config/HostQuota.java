package org.weverywhere.config;

import java.time.Duration;

/**
 * What the whole host grants, all groups together.
 *
 * @param diskPerExecution the most any one execution's directory trees may hold
 */
public record HostQuota(
    Cores cores,
    ByteSize memory,
    Rate networkRate,
    ByteSize networkPeriodBytes,
    Duration networkPeriod,
    ByteSize diskPerExecution) {}
