package org.weverywhere.exec;

/** Why the guest trapped, named the same whichever engine ran it. */
public enum TrapKind {
  UNREACHABLE,
  INTEGER_DIVIDE_BY_ZERO,
  INTEGER_OVERFLOW,
  BAD_CONVERSION_TO_INTEGER,
  MEMORY_OUT_OF_BOUNDS,
  TABLE_OUT_OF_BOUNDS,
  INDIRECT_CALL,
  STACK_EXHAUSTED,
  /** A host function (WASI, host facts) failed, e.g. a pointer outside memory. */
  HOST,
  OTHER
}
