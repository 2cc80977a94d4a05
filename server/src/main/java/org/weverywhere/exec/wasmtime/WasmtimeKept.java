package org.weverywhere.exec.wasmtime;

import io.github.kawamuray.wasmtime.Extern;
import io.github.kawamuray.wasmtime.Func;
import io.github.kawamuray.wasmtime.Instance;
import io.github.kawamuray.wasmtime.Memory;
import io.github.kawamuray.wasmtime.Store;
import io.github.kawamuray.wasmtime.WasmtimeException;
import java.util.ArrayList;
import java.util.List;
import org.weverywhere.exec.Interruption;
import org.weverywhere.exec.WasmEngine;
import org.weverywhere.exec.WasmEngine.Ending;
import org.weverywhere.exec.WasmEngine.Run;

/**
 * One Wasmtime instance kept between calls, on a lane of its own: an epoch increment reaches every
 * store of an engine, so a kept store that shared an engine could be stopped by another guest's
 * budget. The deadline is set again before every call, on the calling thread, as wasmtime-java
 * requires.
 */
final class WasmtimeKept implements WasmEngine.Kept {
  private final WasmtimeLane lane;
  private final WasmEngine.Sandbox sandbox;
  private final Store<Void> store;
  private final List<Func> functions = new ArrayList<>();
  private Instance adapter;
  private Instance instance;
  private final Ending started;

  WasmtimeKept(WasmEngine.Module module, boolean initialize, WasmEngine.Sandbox sandbox) {
    this.lane = new WasmtimeLane(1);
    this.sandbox = sandbox;
    this.store = new Store<>(null, lane.engine());
    this.started = start(module, initialize);
  }

  private Ending start(WasmEngine.Module module, boolean initialize) {
    io.github.kawamuray.wasmtime.Module compiled;
    try {
      compiled = lane.compiled(module, sandbox);
    } catch (WasmtimeException e) {
      return new WasmEngine.Unrunnable(
          "Wasmtime cannot compile the module: " + WasmtimeLane.firstLine(e));
    } catch (org.weverywhere.exec.Compiler.Refused e) {
      return new WasmEngine.CompileRefused(e.getMessage());
    }
    sandbox.begin().run();
    try {
      store.setEpochDeadline(1);
      sandbox.interruption().arm(lane.engine()::incrementEpoch);
      List<Extern> imports = new ArrayList<>();
      Memory[] guestMemory = {null};
      if (!sandbox.imports().isEmpty()) {
        Func dispatch = WasmtimeLane.dispatch(store, sandbox, guestMemory);
        functions.add(dispatch);
        adapter =
            new Instance(
                store, lane.adapter(sandbox.imports()), List.of(Extern.fromFunc(dispatch)));
        for (int k = 0; k < sandbox.imports().size(); k++) {
          Func adapted = adapter.getFunc(store, "f" + k).orElseThrow();
          functions.add(adapted);
          imports.add(Extern.fromFunc(adapted));
        }
      }
      instance = new Instance(store, compiled, imports);
      guestMemory[0] = instance.getMemory(store, "memory").orElse(null);
      if (initialize) {
        instance.getFunc(store, "_initialize").orElseThrow().call(store);
      }
      return new WasmEngine.Returned(List.of());
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError thrown) {
      Ending known = WasmEngine.ending(thrown, sandbox);
      return known != null ? known : WasmtimeLane.trap(thrown);
    } finally {
      sandbox.interruption().disarm();
    }
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
    Ending ending;
    try {
      store.setEpochDeadline(1); // relative to the current epoch, so earlier stops do not linger
      interruption.arm(lane.engine()::incrementEpoch);
      ending = WasmtimeLane.call(store, instance, call);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError thrown) {
      Ending known = WasmEngine.ending(thrown, sandbox.state(), interruption);
      ending = known != null ? known : WasmtimeLane.trap(thrown);
    } finally {
      interruption.disarm();
    }
    return new Run(ending, memoryBytes());
  }

  @Override
  public long memoryBytes() {
    return instance == null
        ? 0
        : instance.getMemory(store, "memory").map(m -> m.dataSize(store)).orElse(0L);
  }

  @Override
  public void close() {
    if (instance != null) {
      instance.dispose();
    }
    if (adapter != null) {
      adapter.dispose();
    }
    functions.forEach(Func::dispose);
    store.dispose();
    lane.close();
  }
}
