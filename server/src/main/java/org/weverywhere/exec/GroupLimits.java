package org.weverywhere.exec;

import java.time.Duration;

/**
 * What one Signature Group may use ({@code group.<G>.quota.*}).
 *
 * @param cores executions of the group that may run at once
 * @param memoryTotal bytes of linear memory all the group's running executions may hold
 * @param memoryPerExecution bytes of linear memory one execution may grow to
 * @param cpuTimePerExecution CPU time one execution may use
 * @param diskPerExecution bytes the directory trees of one execution may hold (in memory)
 */
public record GroupLimits(
    int cores,
    long memoryTotal,
    long memoryPerExecution,
    Duration cpuTimePerExecution,
    long diskPerExecution) {
  /** {@code quota.disk.per-execution} when none is configured (the sample's anonymous value). */
  public static final long DEFAULT_DISK_PER_EXECUTION = 16L * 1024 * 1024;

  public GroupLimits(
      int cores, long memoryTotal, long memoryPerExecution, Duration cpuTimePerExecution) {
    this(cores, memoryTotal, memoryPerExecution, cpuTimePerExecution, DEFAULT_DISK_PER_EXECUTION);
  }

  public GroupLimits {
    if (cores < 0 || memoryTotal < 0 || memoryPerExecution < 0 || diskPerExecution < 0) {
      throw new IllegalArgumentException("quotas cannot be negative");
    }
    if (cpuTimePerExecution.isNegative() || cpuTimePerExecution.isZero()) {
      throw new IllegalArgumentException("cpuTimePerExecution must be positive");
    }
  }
}
