package org.weverywhere.exec;

import java.time.Duration;

/**
 * What one Signature Group may use ({@code group.<G>.quota.*}).
 *
 * @param cores executions of the group that may run at once
 * @param memoryTotal bytes of linear memory all the group's running executions may hold
 * @param memoryPerExecution bytes of linear memory one execution may grow to
 * @param cpuTimePerExecution CPU time one execution may use
 */
public record GroupQuota(
    int cores, long memoryTotal, long memoryPerExecution, Duration cpuTimePerExecution) {
  public GroupQuota {
    if (cores < 0 || memoryTotal < 0 || memoryPerExecution < 0) {
      throw new IllegalArgumentException("quotas cannot be negative");
    }
    if (cpuTimePerExecution.isNegative() || cpuTimePerExecution.isZero()) {
      throw new IllegalArgumentException("cpuTimePerExecution must be positive");
    }
  }
}
