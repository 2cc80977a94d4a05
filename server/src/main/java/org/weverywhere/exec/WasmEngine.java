package org.weverywhere.exec;

import java.util.List;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.host.GuestMemory;
import org.weverywhere.exec.host.GuestState;
import org.weverywhere.exec.host.HostFault;
import org.weverywhere.exec.host.HostFunction;
import org.weverywhere.wasm.FuncType;

/**
 * A WebAssembly engine as the executor uses it: compile (cached by hash), then run once in a fresh
 * instance. Engines enforce nothing by themselves beyond the module's (capped) memory maximum;
 * limits, checks and accounting live in {@link Executor}.
 */
public interface WasmEngine extends AutoCloseable {
  Engine kind();

  /**
   * Bytes the engine holds per table element at its peak (while a table grows), counted in the
   * memory grant; measured, see docs/ENGINES.md.
   */
  long tableElementBytes();

  /**
   * Whether the engine compiles on the calling thread only, so that thread's CPU time is the
   * compile's (else the process's CPU time stands for it).
   */
  default boolean compilesOnCallingThread() {
    return true;
  }

  /**
   * Memory that preparing a module of {@code moduleBytes} takes at its peak (compiling it, or only
   * parsing it where the engine interprets it): reserved in the host's total while it runs;
   * measured, docs/ENGINES.md.
   */
  long compileBytes(long moduleBytes);

  /**
   * The proposals beyond WebAssembly 1.0 this engine runs, as configured here (docs/ENGINES.md).
   */
  java.util.Set<org.weverywhere.wasm.Proposal> proposals();

  /**
   * Instantiates {@code module} with exactly {@code imports} and runs {@code entry}, on the calling
   * thread. Arms {@code interruption} with a way to stop the guest before any guest code runs.
   * Never throws for anything the guest does.
   */
  Run run(Module module, Entry entry, Sandbox sandbox);

  /**
   * Instantiates {@code module} once and keeps the instance for many calls (a service's instance),
   * running {@code _initialize} first when {@code initialize}. The sandbox's interruption covers
   * instantiation only; each call brings its own. Never throws for anything the guest does: a
   * failed start is a {@link Kept} whose {@link Kept#started()} says why.
   */
  Kept keep(Module module, boolean initialize, Sandbox sandbox);

  @Override
  void close();

  /**
   * What the guest may touch and how it is stopped.
   *
   * @param imports every function linked, nothing else, in the module's import order
   * @param begin called by the engine once the module is compiled, just before instantiation: the
   *     guest's budgets count from there (a cold compile is measured by {@code compile})
   * @param compile how the engine compiles a module it has not cached: within the request's compile
   *     budget, on the {@link Compiler}'s pool
   */
  record Sandbox(
      List<HostFunction> imports,
      GuestState state,
      Interruption interruption,
      Runnable begin,
      Compile compile) {
    /** Runs a host function for the guest, recording a {@link HostFault} before it propagates. */
    public long[] call(HostFunction function, GuestMemory memory, long[] args) {
      try {
        return function.body().call(memory, args);
      } catch (HostFault failure) {
        throw state.fault(failure);
      }
    }
  }

  /**
   * Runs a compile (a cache lookup that compiles on a miss) within a request's budget; throws
   * {@link Compiler.Refused} when the budget runs out first.
   */
  interface Compile {
    <T> T run(java.util.function.Supplier<T> compile);
  }

  /**
   * A kept instance. Not safe for concurrent calls: its owner serialises them. Its memory and
   * globals persist from call to call until it is closed.
   */
  interface Kept extends AutoCloseable {
    /** {@link Returned} (with no values) when instantiation worked, else how it failed. */
    Ending started();

    /**
     * Calls one export ({@link Call} or {@link GluedCall}), stoppable through {@code interruption}
     * (armed for this call only).
     */
    Run call(Entry call, Interruption interruption);

    /** Linear memory now. */
    long memoryBytes();

    @Override
    void close();
  }

  /**
   * @param memoryBytes linear memory at the end (the peak: memory only grows)
   */
  record Run(Ending ending, long memoryBytes) {}

  /**
   * A module ready to compile.
   *
   * @param sha256 identity of {@code bytes} (the already capped binary), the cache key
   * @param memoryPages the granted maximum; engines that can also enforce it natively do
   * @param tableElements the granted maximum per table, written into {@code bytes} too
   */
  record Module(String sha256, byte[] bytes, int memoryPages, long tableElements) {}

  /** What to call. */
  sealed interface Entry {}

  /** A WASI command's {@code _start}. */
  record Start() implements Entry {}

  /** An exported function; {@code _initialize} first when the module exports it. */
  record Call(String function, FuncType type, List<WasmValue> args, boolean initialize)
      implements Entry {}

  /**
   * An export with byte-string parameters or results: the glue places the arguments through the
   * guest's allocator, calls, and copies the result out, all within this one call's budget.
   */
  record GluedCall(ByteStringCall glue, boolean initialize) implements Entry {}

  /**
   * A running instance as the byte-string glue drives it, during one call. Engines give it; it is
   * valid only while the entry runs.
   */
  interface Guest {
    /** Calls an export with the raw bits of its core arguments; the raw bits of its results. */
    long[] call(String export, FuncType type, long[] args);

    /** The instance's memory now (fetched again after every call: growth may move it). */
    GuestMemory memory();
  }

  /** How the guest's code ended, before the executor adds why (budget, cap) and usage. */
  sealed interface Ending {}

  record Returned(List<CallValue> values) implements Ending {}

  /** Returned from {@code _start} (code 0) or called {@code proc_exit}. */
  record Exited(int code) implements Ending {}

  record Trap(TrapKind kind, String message) implements Ending {}

  /** Stopped through the armed interruption. */
  record Interrupted() implements Ending {}

  /** The JVM heap could not hold the guest (Chicory keeps guest memory on the heap). */
  record HeapExhausted(String message) implements Ending {}

  /** Could not be compiled or instantiated although our own checks passed. */
  record Unrunnable(String message) implements Ending {}

  /** Not compiled within the request's compile budget (time, CPU, the group's compile slots). */
  record CompileRefused(String message) implements Ending {}

  /**
   * The ending both engines agree on for a throwable out of guest code, when our own state says
   * more than the exception: an exit code, a requested stop, a full heap, a deep stack.
   */
  static Ending ending(Throwable thrown, Sandbox sandbox) {
    return ending(thrown, sandbox.state(), sandbox.interruption());
  }

  /**
   * {@link #ending(Throwable, Sandbox)} for a call on a kept instance, with the call's
   * interruption.
   */
  static Ending ending(Throwable thrown, GuestState state, Interruption interruption) {
    if (state.exitCode().isPresent()) {
      return new Exited(state.exitCode().getAsInt());
    }
    if (interruption.reason().isPresent()) {
      return new Interrupted();
    }
    if (state.fault().isPresent()) {
      return new Trap(TrapKind.HOST, state.fault().get());
    }
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return new HeapExhausted(String.valueOf(t.getMessage()));
      }
      if (t instanceof StackOverflowError) {
        return new Trap(TrapKind.STACK_EXHAUSTED, "call stack exhausted");
      }
      if (t instanceof HostFault) {
        return new Trap(TrapKind.HOST, t.getMessage());
      }
    }
    return null;
  }
}
