package org.weverywhere.exec;

import java.time.Duration;

/**
 * The one place that says yes or no to resources, like wasmtime's {@code ResourceLimiter}: an
 * execution slot and its memory are reserved together at admission and released together when the
 * {@link Lease} closes, however the execution ended.
 */
public interface QuotaLedger {
  /**
   * Reserves one execution slot and {@code memoryBytes} for {@code group}, waiting up to {@code
   * wait} for a slot when all are busy (memory is never waited for: it is refused at once).
   */
  Admission admit(String group, long memoryBytes, Duration wait);

  /**
   * Reserves {@code memoryBytes} for {@code group} without an execution slot, for as long as the
   * lease is held: a kept instance (a service's) holds its grant for its whole life, in the group's
   * and the host's totals, while each of its calls takes a slot only. Never waits.
   */
  Admission reserve(String group, long memoryBytes);

  /**
   * Reserves {@code memoryBytes} in the host's total while a module compiles for {@code group}. Not
   * in the group's: the compile of an admitted execution runs while the execution holds its grant,
   * which may be all the group has. A group's share of compiling is bounded elsewhere (its compiles
   * in flight, the size of its modules: {@link Compiler}).
   */
  Admission reserveCompile(String group, long memoryBytes);

  /** What {@code group} has left now, for the host-facts {@code quota_remaining} import. */
  Remaining remaining(String group);

  /** The group's quota, or null when the group has none (and may run nothing). */
  GroupLimits quota(String group);

  /**
   * Replaces the limits: admissions from now on meet {@code settings}, while leases already held
   * keep counting against the group and the host until they close (an execution in flight keeps
   * what it was granted).
   */
  void update(QuotaSettings settings);

  /** The groups that have a quota here, in the configuration's order (for the host facts). */
  default java.util.List<String> groups() {
    return java.util.List.of();
  }

  /** What {@code group} holds now (the host as a whole when {@code group} is null). */
  Held held(String group);

  /** Execution slots and reserved memory in use. */
  record Held(int slots, long memoryBytes) {}

  /** The answer to an admission. */
  sealed interface Admission {}

  /** Admitted: close the lease when the execution ends. */
  record Granted(Lease lease) implements Admission {}

  /** Refused, naming the quota. */
  record Denied(Quota quota, String reason) implements Admission {}

  /** A held slot and memory reservation; closing it twice releases once. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * A group's unused quota.
   *
   * @param memoryBytes memory not reserved by the group's running executions
   * @param slots executions the group could still start now
   */
  record Remaining(long memoryBytes, int slots, long cpuMillisPerExecution) {}
}
