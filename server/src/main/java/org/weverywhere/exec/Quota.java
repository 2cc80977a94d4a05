package org.weverywhere.exec;

/** The quota that refused an execution before it started. */
public enum Quota {
  /** The group has no quota configured: it may run nothing. */
  UNKNOWN_GROUP,
  /** The module's initial memory is larger than one execution of the group may have. */
  MEMORY_PER_EXECUTION,
  /** The group's running executions already hold its memory total. */
  GROUP_MEMORY,
  /** All running executions already hold the host's memory total. */
  HOST_MEMORY,
  /** Every slot is busy and the wait queue is full. */
  QUEUE_FULL,
  /** Waited for a slot as long as the wall-clock timeout allows. */
  SLOT_WAIT,
  /** The request's directory trees are larger than one execution of the group may hold. */
  DISK_PER_EXECUTION
}
