package org.weverywhere.exec.wasmtime;

import io.github.kawamuray.wasmtime.Config;
import io.github.kawamuray.wasmtime.Engine;
import io.github.kawamuray.wasmtime.Extern;
import io.github.kawamuray.wasmtime.Func;
import io.github.kawamuray.wasmtime.FuncType;
import io.github.kawamuray.wasmtime.Instance;
import io.github.kawamuray.wasmtime.Memory;
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
 * <p>Why a lane per concurrent execution: wasmtime-java has no fuel and no epoch-deadline callback,
 * a store's deadline can only be set by the thread that runs it, and an epoch increment reaches
 * every store of an engine. With one running store per engine, incrementing that engine's epoch
 * stops exactly that guest. The price: a module is compiled once per lane.
 */
final class WasmtimeLane implements AutoCloseable {
  private final Engine engine = new Engine(new Config().epochInterruption(true));
  private final ModuleCache<io.github.kawamuray.wasmtime.Module> modules;

  /** {@link ImportAdapter} modules by the import list they adapt. */
  private final ModuleCache<io.github.kawamuray.wasmtime.Module> adapters;

  static final FuncType DISPATCH_TYPE = dispatchType();

  WasmtimeLane(int cacheSize) {
    this.modules = new ModuleCache<>(cacheSize, io.github.kawamuray.wasmtime.Module::dispose);
    this.adapters = new ModuleCache<>(cacheSize, io.github.kawamuray.wasmtime.Module::dispose);
  }

  private static FuncType dispatchType() {
    Val.Type[] params = new Val.Type[1 + ImportAdapter.MAX_PARAMS];
    java.util.Arrays.fill(params, Val.Type.I64);
    params[0] = Val.Type.I32;
    return new FuncType(params, new Val.Type[] {Val.Type.I64});
  }

  Engine engine() {
    return engine;
  }

  /**
   * The compiled module from this lane's cache, or compiled within the request's compile budget (on
   * the compile pool: the lane's engine may be used from any thread).
   */
  io.github.kawamuray.wasmtime.Module compiled(
      WasmEngine.Module module, WasmEngine.Sandbox sandbox) {
    var cached = modules.cached(module.sha256());
    return cached != null
        ? cached
        : sandbox
            .compile()
            .run(
                () ->
                    modules.get(
                        module.sha256(),
                        () -> new io.github.kawamuray.wasmtime.Module(engine, module.bytes())));
  }

  Run run(WasmEngine.Module module, WasmEngine.Entry entry, WasmEngine.Sandbox sandbox) {
    io.github.kawamuray.wasmtime.Module compiled;
    try {
      compiled = compiled(module, sandbox);
    } catch (WasmtimeException e) {
      return new Run(
          new WasmEngine.Unrunnable("Wasmtime cannot compile the module: " + firstLine(e)), 0);
    } catch (org.weverywhere.exec.Compiler.Refused e) {
      return new Run(new WasmEngine.CompileRefused(e.getMessage()), 0);
    }
    sandbox.begin().run();
    Store<Void> store = new Store<>(null, engine);
    List<Func> functions = new ArrayList<>();
    Instance adapter = null;
    Instance instance = null;
    Ending ending;
    long memoryBytes = 0;
    try {
      store.setEpochDeadline(1); // the next increment of this lane's epoch stops the guest
      sandbox.interruption().arm(engine::incrementEpoch);
      List<Extern> imports = new ArrayList<>();
      Memory[] guestMemory = {null};
      try {
        if (!sandbox.imports().isEmpty()) {
          Func dispatch = dispatch(store, sandbox, guestMemory);
          functions.add(dispatch);
          adapter =
              new Instance(store, adapter(sandbox.imports()), List.of(Extern.fromFunc(dispatch)));
          for (int k = 0; k < sandbox.imports().size(); k++) {
            Func adapted = adapter.getFunc(store, "f" + k).orElseThrow();
            functions.add(adapted);
            imports.add(Extern.fromFunc(adapted));
          }
        }
        instance = new Instance(store, compiled, imports);
        guestMemory[0] = instance.getMemory(store, "memory").orElse(null);
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
      if (adapter != null) {
        adapter.dispose();
      }
      functions.forEach(Func::dispose);
      store.dispose();
    }
    return new Run(ending, memoryBytes);
  }

  io.github.kawamuray.wasmtime.Module adapter(List<HostFunction> imports) {
    String key =
        imports.stream()
            .map(f -> f.module() + "." + f.name() + f.type())
            .collect(java.util.stream.Collectors.joining("|"));
    return adapters.get(
        key,
        () ->
            new io.github.kawamuray.wasmtime.Module(
                engine, ImportAdapter.module(imports.stream().map(HostFunction::type).toList())));
  }

  /** The one host function of a run: calls import {@code index} with the adapter's i64s. */
  static Func dispatch(Store<Void> store, WasmEngine.Sandbox sandbox, Memory[] guestMemory) {
    List<HostFunction> imports = sandbox.imports();
    return new Func(
        store,
        DISPATCH_TYPE,
        (caller, in, out) -> {
          HostFunction function = imports.get(in[0].i32());
          List<ValueType> params = function.type().params();
          long[] args = new long[params.size()];
          for (int i = 0; i < args.length; i++) {
            long raw = in[i + 1].i64();
            args[i] = params.get(i) == ValueType.I32 ? (int) raw : raw;
          }
          long[] answer = sandbox.call(function, new WasmtimeMemory(guestMemory[0], store), args);
          out[0] = Val.fromI64(answer.length == 0 ? 0 : answer[0]);
        });
  }

  static Ending call(Store<Void> store, Instance instance, WasmEngine.Entry entry) {
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
        List<org.weverywhere.exec.CallValue> results = new ArrayList<>();
        List<ValueType> types = call.type().results();
        for (int i = 0; i < types.size(); i++) {
          results.add(WasmValue.ofBits(types.get(i), bits(types.get(i), raw[i])));
        }
        yield new WasmEngine.Returned(results);
      }
      case WasmEngine.GluedCall glued -> {
        if (glued.initialize()) {
          instance.getFunc(store, "_initialize").orElseThrow().call(store);
        }
        yield glued
            .glue()
            .run(
                new WasmEngine.Guest() {
                  @Override
                  public long[] call(
                      String export, org.weverywhere.wasm.FuncType type, long[] args) {
                    Val[] vals = new Val[args.length];
                    for (int i = 0; i < args.length; i++) {
                      vals[i] = val(WasmValue.ofBits(type.params().get(i), args[i]));
                    }
                    Val[] raw = instance.getFunc(store, export).orElseThrow().call(store, vals);
                    long[] bits = new long[type.results().size()];
                    for (int i = 0; i < bits.length; i++) {
                      bits[i] = bits(type.results().get(i), raw[i]);
                    }
                    return bits;
                  }

                  @Override
                  public org.weverywhere.exec.host.GuestMemory memory() {
                    return new WasmtimeMemory(
                        instance.getMemory(store, "memory").orElse(null), store);
                  }
                });
      }
    };
  }

  static Ending trap(Throwable thrown) {
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

  static String firstLine(Throwable thrown) {
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

  @Override
  public void close() {
    modules.clear();
    engine.dispose();
  }
}
