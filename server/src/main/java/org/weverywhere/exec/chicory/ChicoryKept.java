package org.weverywhere.exec.chicory;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.WasmModule;
import org.weverywhere.exec.Interruption;
import org.weverywhere.exec.WasmEngine;
import org.weverywhere.exec.WasmEngine.Ending;
import org.weverywhere.exec.WasmEngine.Run;

/** One Chicory instance kept between calls; each call is stopped by interrupting its thread. */
final class ChicoryKept implements WasmEngine.Kept {
  private final Instance instance;
  private final WasmModule module;
  private final WasmEngine.Sandbox sandbox;
  private final Ending started;

  ChicoryKept(Instance instance, WasmModule module, WasmEngine.Sandbox sandbox, Ending started) {
    this.instance = instance;
    this.module = module;
    this.sandbox = sandbox;
    this.started = started;
  }

  @Override
  public Ending started() {
    return started;
  }

  @Override
  public Run call(WasmEngine.Entry call, Interruption interruption) {
    if (!(started instanceof WasmEngine.Returned) || instance == null) {
      throw new IllegalStateException("the instance did not start: " + started);
    }
    Ending ending =
        ChicoryEngine.guarded(
            sandbox.state(), interruption, () -> ChicoryEngine.call(instance, call));
    return new Run(ending, memoryBytes());
  }

  @Override
  public long memoryBytes() {
    if (instance == null || module.memorySection().isEmpty()) {
      return 0;
    }
    return (long) instance.memory().pages() * com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
  }

  @Override
  public void close() {
    // nothing native: the instance is garbage once dropped
  }
}
