package org.weverywhere.config;

import java.time.Duration;
import java.util.Optional;

/** A Signature Group's share of the host; an empty limit means only the host quota applies. */
public record GroupQuota(
    Optional<Cores> cores,
    Optional<ByteSize> memory,
    Optional<ByteSize> memoryPerExecution,
    Optional<Duration> cpuTimePerExecution,
    Optional<Rate> networkRate,
    Optional<ByteSize> networkPeriodBytes,
    Optional<ByteSize> diskPerExecution) {}
