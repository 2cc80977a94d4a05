package org.weverywhere.exec.wasmtime;

import io.github.kawamuray.wasmtime.Config;
import io.github.kawamuray.wasmtime.Engine;
import io.github.kawamuray.wasmtime.Extern;
import io.github.kawamuray.wasmtime.Func;
import io.github.kawamuray.wasmtime.FuncType;
import io.github.kawamuray.wasmtime.Instance;
import io.github.kawamuray.wasmtime.Store;
import io.github.kawamuray.wasmtime.Val;
import io.github.kawamuray.wasmtime.WasmFunctionError;
import io.github.kawamuray.wasmtime.WasmtimeException;
import java.util.ArrayList;
import java.util.List;
import org.weverywhere.exec.ModuleCache;
import org.weverywhere.exec.TrapKind;
import org.weverywhere.exec.WasmEngine;
import org.weverywhere.exec.WasmEngine.Ending;
import org.weverywhere.exec.WasmEngine.Run;
import org.weverywhere.exec.WasmValue;
import org.weverywhere.exec.host.HostFunction;
import org.weverywhere.wasm.ValueType;

/**
 * One Wasmtime engine with its own module cache, running one execution at a time.
 *
 * <p>Why a lane per concurrent execution: wasmtime-java has no fuel and no epoch-deadline
 * callback, a store's deadline can only be set by the thread that runs it, and an epoch increment
 * reaches every store of an engine. With one running store per engine, incrementing that
 * engine's epoch stops exactly that guest. The price: a module is compiled once per lane.
 */
final class WasmtimeLane implements AutoCloseable {
  private final Engine engine = new Engine(new Config().epochInterruption(true));
  private final ModuleCache<io.github.kawamuray.wasmtime.Module> modules;

  WasmtimeLane(int cacheSize) {
    this.modules = new ModuleCache<>(cacheSize, io.github.kawamuray.wasmtime.Module::dispose);
  }

  Run run(WasmEngine.Module module, WasmEngine.Entry entry, WasmEngine.Sandbox sandbox) {
    io.github.kawamuray.wasmtime.Module compiled;
    try {
      compiled = modules.get(module.sha256(), () -> new io.github.kawamuray.wasmtime.Module(engine, module.bytes()));
    } catch (WasmtimeException e) {
      return new Run(new WasmEngine.Unrunnable("Wasmtime cannot compile the module: " + firstLine(e)), 0);
    }
    sandbox.begin().run();
    Store<Void> store = new Store<>(null, engine);
    List<Func> functions = new ArrayList<>();
    Instance instance = null;
    Ending ending;
    long memoryBytes = 0;
    try {
      store.setEpochDeadline(1); // the next increment of this lane's epoch stops the guest
      sandbox.interruption().arm(engine::incrementEpoch);
      List<Extern> imports = new ArrayList<>();
      for (HostFunction function : sandbox.imports()) {
        Func func = hostFunction(store, function, sandbox);
        functions.add(func);
        imports.add(Extern.fromFunc(func));
      }
      try {
        instance = new Instance(store, compiled, imports);
        ending = call(store, instance, entry);
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError thrown) {
        Ending known = WasmEngine.ending(thrown, sandbox);
        ending = known != null ? known : trap(thrown);
      }
      if (instance != null) {
        memoryBytes = instance.getMemory(store, "memory").map(m -> m.dataSize(store)).orElse(0L);
      }
    } finally {
      sandbox.interruption().disarm();
      if (instance != null) {
        instance.dispose();
      }
      functions.forEach(Func::dispose);
      store.dispose();
    }
    return new Run(ending, memoryBytes);
  }

  private static Func hostFunction(Store<Void> store, HostFunction function, WasmEngine.Sandbox sandbox) {
    var type =
        new FuncType(
            function.type().params().stream().map(WasmtimeLane::valType).toArray(Val.Type[]::new),
            function.type().results().stream().map(WasmtimeLane::valType).toArray(Val.Type[]::new));
    List<ValueType> params = function.type().params();
    List<ValueType> results = function.type().results();
    return new Func(
        store,
        type,
        (caller, in, out) -> {
          long[] args = new long[in.length];
          for (int i = 0; i < in.length; i++) {
            args[i] = bits(params.get(i), in[i]);
          }
          long[] answer = sandbox.call(function, new WasmtimeMemory(caller, store), args);
          for (int i = 0; i < out.length; i++) {
            out[i] = val(WasmValue.ofBits(results.get(i), answer[i]));
          }
        });
  }

  private static Ending call(Store<Void> store, Instance instance, WasmEngine.Entry entry) {
    return switch (entry) {
      case WasmEngine.Start start -> {
        instance.getFunc(store, "_start").orElseThrow().call(store);
        yield new WasmEngine.Exited(0);
      }
      case WasmEngine.Call call -> {
        if (call.initialize()) {
          instance.getFunc(store, "_initialize").orElseThrow().call(store);
        }
        Val[] args = call.args().stream().map(WasmtimeLane::val).toArray(Val[]::new);
        Val[] raw = instance.getFunc(store, call.function()).orElseThrow().call(store, args);
        List<WasmValue> results = new ArrayList<>();
        List<ValueType> types = call.type().results();
        for (int i = 0; i < types.size(); i++) {
          results.add(WasmValue.ofBits(types.get(i), bits(types.get(i), raw[i])));
        }
        yield new WasmEngine.Returned(results);
      }
    };
  }

  private static Ending trap(Throwable thrown) {
    if (thrown instanceof WasmFunctionError.TrapError trap) {
      TrapKind kind =
          switch (trap.trap()) {
            case STACK_OVERFLOW -> TrapKind.STACK_EXHAUSTED;
            case MEMORY_OUT_OF_BOUNDS, HEAP_MISALIGNED -> TrapKind.MEMORY_OUT_OF_BOUNDS;
            case TABLE_OUT_OF_BOUNDS -> TrapKind.TABLE_OUT_OF_BOUNDS;
            case INDIRECT_CALL_TO_NULL, BAD_SIGNATURE -> TrapKind.INDIRECT_CALL;
            case INTEGER_OVERFLOW -> TrapKind.INTEGER_OVERFLOW;
            case INTEGER_DIVISION_BY_ZERO -> TrapKind.INTEGER_DIVIDE_BY_ZERO;
            case BAD_CONVERSION_TO_INTEGER -> TrapKind.BAD_CONVERSION_TO_INTEGER;
            case UNREACHABLE_CODE_REACHED -> TrapKind.UNREACHABLE;
            default -> TrapKind.OTHER;
          };
      return new WasmEngine.Trap(kind, "wasm trap: " + trap.trap());
    }
    return new WasmEngine.Trap(TrapKind.OTHER, firstLine(thrown));
  }

  private static String firstLine(Throwable thrown) {
    String message = String.valueOf(thrown.getMessage());
    return message.lines().findFirst().orElse(message);
  }

  private static long bits(ValueType type, Val value) {
    return switch (type) {
      case I32 -> value.i32();
      case I64 -> value.i64();
      case F32 -> Float.floatToRawIntBits(value.f32()) & 0xffff_ffffL;
      case F64 -> Double.doubleToRawLongBits(value.f64());
      default -> throw new IllegalArgumentException("not a number type: " + type);
    };
  }

  private static Val val(WasmValue value) {
    return switch (value) {
      case WasmValue.I32 v -> Val.fromI32(v.value());
      case WasmValue.I64 v -> Val.fromI64(v.value());
      case WasmValue.F32 v -> Val.fromF32(v.value());
      case WasmValue.F64 v -> Val.fromF64(v.value());
    };
  }

  private static Val.Type valType(ValueType type) {
    return switch (type) {
      case I32 -> Val.Type.I32;
      case I64 -> Val.Type.I64;
      case F32 -> Val.Type.F32;
      case F64 -> Val.Type.F64;
      default -> throw new IllegalArgumentException("host functions take numbers, not " + type);
    };
  }

  @Override
  public void close() {
    modules.clear();
    engine.dispose();
  }
}
