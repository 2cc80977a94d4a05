package org.weverywhere.exec;

/** The result of a check made before running: the value to go on with, or how it ends instead. */
sealed interface Checked<T> {
  record Passed<T>(T value) implements Checked<T> {}

  record Failed<T>(ExecutionOutcome outcome) implements Checked<T> {}
}
