package org.weverywhere.exec;

/**
 * What all executions together may use on this host ({@code host.quota.*}).
 *
 * @param cores executions that may run at once
 * @param memoryTotal bytes of linear memory all running executions may hold
 */
public record HostLimits(int cores, long memoryTotal) {
  public HostLimits {
    if (cores < 0 || memoryTotal < 0) {
      throw new IllegalArgumentException("quotas cannot be negative");
    }
  }
}
