package org.weverywhere.exec;

import java.util.List;
import org.weverywhere.ErrorCode;
import org.weverywhere.files.Preopen;

/** How an execution ended. The JVM and the host survive every one of them. */
public sealed interface ExecutionOutcome {
  Usage usage();

  /** What the guest wrote; empty for outcomes that never ran it. */
  default Output output() {
    return Output.EMPTY;
  }

  /**
   * The guest finished: a command's exit code or a function's results.
   *
   * @param trees the request's directory trees as the guest left them, when it changed any (empty
   *     otherwise), in the request's order
   */
  record Completed(Result result, Output output, Usage usage, List<Preopen> trees)
      implements ExecutionOutcome {
    public Completed {
      trees = List.copyOf(trees);
    }

    public Completed(Result result, Output output, Usage usage) {
      this(result, output, usage, List.of());
    }
  }

  /** A WebAssembly trap ended it. */
  record Trapped(TrapKind kind, String message, Output output, Usage usage)
      implements ExecutionOutcome {}

  /** Used up its CPU time (or wall-clock time) budget and was stopped. */
  record OutOfCpu(boolean wallClock, Output output, Usage usage) implements ExecutionOutcome {}

  /**
   * Trapped with its memory at the grant (a refused {@code memory.grow} it could not handle), or
   * the JVM heap could not hold it (Chicory). A program that handles a failed allocation and exits
   * with a code of its own ends {@link Completed}.
   */
  record OutOfMemory(long limitBytes, String detail, Output output, Usage usage)
      implements ExecutionOutcome {}

  /** Wrote more than the output cap; stopped at that point. */
  record OutputTruncated(Output output, Usage usage) implements ExecutionOutcome {}

  /** Not started: a quota said no. */
  record Refused(Quota quota, String reason) implements ExecutionOutcome {
    public Usage usage() {
      return Usage.NONE;
    }
  }

  /**
   * Not started: the module cannot run here, or the request does not fit the module.
   *
   * @param code what kind of problem: {@link ErrorCode#WASM_MALFORMED} unless a more precise one
   *     applies (a missing function, a bad argument, a host limit, an unsupported proposal, a
   *     compile bound)
   */
  record Invalid(ErrorCode code, String reason) implements ExecutionOutcome {
    /** An invalid module or request that is not one of the call errors below: WE2003. */
    public Invalid(String reason) {
      this(ErrorCode.WASM_MALFORMED, reason);
    }

    /** The function asked for is not exported (WE2011). */
    public static Invalid noFunction(String reason) {
      return new Invalid(ErrorCode.WASM_NO_FUNCTION, reason);
    }

    /** The arguments do not fit the function's parameters (WE2010). */
    public static Invalid badArgument(String reason) {
      return new Invalid(ErrorCode.WASM_BAD_ARGUMENT, reason);
    }

    public Usage usage() {
      return Usage.NONE;
    }
  }

  /** What a completed execution produced. */
  sealed interface Result {}

  /** A command's exit code ({@code proc_exit}, or 0 when {@code _start} returned). */
  record Exit(int code) implements Result {}

  /** A function's results, typed: numbers, or byte strings its metadata declares. */
  record Returned(List<CallValue> values) implements Result {
    public Returned {
      values = List.copyOf(values);
    }
  }
}
