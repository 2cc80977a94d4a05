package org.weverywhere.exec;

import java.util.List;
import org.weverywhere.exec.host.GuestState;
import org.weverywhere.wasm.ModuleInfo;

/**
 * A module instantiated once and kept, so its memory and globals persist from call to call (a
 * service's instance). Calls are serialised here: one instance runs one call at a time; a pool of
 * them serves concurrent callers. The instance holds its memory grant (tables included) in its
 * group's and the host's totals from start to close. Each call is admitted for an execution slot of
 * the group (with no more memory: the instance holds it already), runs under the watchdog with the
 * group's (or the service's smaller) CPU budget, and is measured like an execution.
 */
public final class KeptInstance implements AutoCloseable {
  private final ModuleInfo info;
  private final byte[] module;
  private final AdmittedGroup requester;
  private final WasmEngine.Kept kept;
  private final GuestState state;
  private final Output output;
  private final GroupLimits quota;
  private final long memoryLimit;

  /** The instance's memory grant, held in its group's and the host's totals until closed. */
  private final QuotaLedger.Lease memory;

  private final Executor executor;
  private boolean closed;

  KeptInstance(
      ModuleInfo info,
      byte[] module,
      AdmittedGroup requester,
      WasmEngine.Kept kept,
      GuestState state,
      Output output,
      GroupLimits quota,
      long memoryLimit,
      QuotaLedger.Lease memory,
      Executor executor) {
    this.info = info;
    this.module = module;
    this.requester = requester;
    this.kept = kept;
    this.state = state;
    this.output = output;
    this.quota = quota;
    this.memoryLimit = memoryLimit;
    this.memory = memory;
    this.executor = executor;
  }

  /** How keeping an instance went. */
  public sealed interface Start {}

  public record Ready(KeptInstance instance) implements Start {}

  /** Not started; the outcome says why (invalid, refused, trapped while starting...). */
  public record Failed(ExecutionOutcome outcome) implements Start {}

  /** The module's metadata: its exports and their types. */
  public ModuleInfo info() {
    return info;
  }

  /**
   * Calls one exported function with typed arguments. The export and the argument types are checked
   * first, with the same words as {@link Executor#execute}.
   */
  public synchronized ExecutionOutcome call(String function, List<? extends CallValue> args) {
    if (closed) {
      throw new IllegalStateException("the instance is closed");
    }
    var request = new ExecutionRequest.FunctionCall(module, function, args, requester);
    return switch (Preflight.call(info, request)) {
      case Checked.Failed<WasmEngine.Entry> failed -> failed.outcome();
      // _initialize ran once when the instance was kept, never again
      case Checked.Passed<WasmEngine.Entry> passed ->
          executor.call(
              this,
              switch (passed.value()) {
                case WasmEngine.Call entry ->
                    new WasmEngine.Call(entry.function(), entry.type(), entry.args(), false);
                case WasmEngine.GluedCall entry -> new WasmEngine.GluedCall(entry.glue(), false);
                case WasmEngine.Start start ->
                    throw new IllegalStateException("a call is never a start");
              });
    };
  }

  /** Linear memory the instance holds now. */
  public synchronized long memoryBytes() {
    return closed ? 0 : kept.memoryBytes();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        kept.close();
      } finally {
        memory.close(); // the grant goes back only with the instance
      }
    }
  }

  AdmittedGroup requester() {
    return requester;
  }

  WasmEngine.Kept kept() {
    return kept;
  }

  GuestState state() {
    return state;
  }

  Output output() {
    return output;
  }

  GroupLimits quota() {
    return quota;
  }

  long memoryLimit() {
    return memoryLimit;
  }

  /** Routes the output cap to whichever call is running when the guest writes too much. */
  static final class Output {
    volatile Interruption current;

    void capped() {
      Interruption running = current;
      if (running != null) {
        running.request(Interruption.Reason.OUTPUT);
      }
    }
  }
}
