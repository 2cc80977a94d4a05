package org.weverywhere.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.host.HostFacts;
import org.weverywhere.exec.host.HostFunction;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.Export;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.Import;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleKind;
import org.weverywhere.wasm.ModuleLimits;
import org.weverywhere.wasm.Proposal;
import org.weverywhere.wasm.ValueType;

/**
 * Everything checked before anything is instantiated, so that both engines refuse the same requests
 * with the same words: the entry point and its argument types, and that every import is one we
 * provide, with the type we provide it with.
 */
final class Preflight {
  private Preflight() {}

  /** What to call and what to link, in the module's import order. */
  record Plan(WasmEngine.Entry entry, List<HostFunction> imports) {}

  /** The plan, or the reason the request cannot run. */
  static Checked<Plan> plan(
      ModuleInfo info, ExecutionRequest request, List<HostFunction> provided) {
    if (info.kind() == ModuleKind.COMPONENT) {
      return invalid("component-model binaries are not supported, only core modules");
    }
    WasmEngine.Entry entry;
    switch (entry(info, request)) {
      case Checked.Failed<WasmEngine.Entry> failed -> {
        return new Checked.Failed<>(failed.outcome());
      }
      case Checked.Passed<WasmEngine.Entry> passed -> entry = passed.value();
    }
    return switch (links(info, provided)) {
      case Checked.Failed<List<HostFunction>> failed -> new Checked.Failed<>(failed.outcome());
      case Checked.Passed<List<HostFunction>> passed ->
          new Checked.Passed<>(new Plan(entry, passed.value()));
    };
  }

  /**
   * Proposals refused whatever the engine runs: GC objects and typed references live on the
   * engine's heap outside any memory grant (Chicory runs them), and the parser does not read their
   * types. docs/ENGINES.md.
   */
  static final Set<Proposal> NOT_BOUNDED =
      java.util.EnumSet.of(Proposal.GC, Proposal.FUNCTION_REFERENCES);

  /**
   * Whether the module stays within the host's bounds (tables, memories, counts, locals; see {@link
   * ModuleLimits}) and uses only proposals the engine runs; checked before compiling.
   */
  static Checked<Void> bounded(
      ModuleInfo info, ModuleLimits limits, Set<Proposal> runs, Engine engine) {
    Optional<String> over = limits.violation(info.footprint());
    if (over.isPresent()) {
      return new Checked.Failed<>(new ExecutionOutcome.Invalid(ErrorCode.WASM_LIMIT, over.get()));
    }
    List<String> refused = new ArrayList<>();
    long first = -1;
    for (var used : info.footprint().proposals().entrySet()) {
      if (!runs.contains(used.getKey()) || NOT_BOUNDED.contains(used.getKey())) {
        refused.add(used.getKey().title());
        first = first < 0 ? used.getValue() : first;
      }
    }
    if (!refused.isEmpty()) {
      return new Checked.Failed<>(
          new ExecutionOutcome.Invalid(
              ErrorCode.WASM_UNSUPPORTED_PROPOSAL,
              "the module uses the "
                  + String.join(", ", refused)
                  + (refused.size() == 1 ? " proposal" : " proposals")
                  + " (first at byte "
                  + first
                  + "), which "
                  + engine.name().toLowerCase(java.util.Locale.ROOT)
                  + " does not run on this host"));
    }
    return new Checked.Passed<>(null);
  }

  /** What to link for each of the module's imports, in its order, or why one cannot be. */
  static Checked<List<HostFunction>> links(ModuleInfo info, List<HostFunction> provided) {
    Map<String, HostFunction> byName =
        provided.stream()
            .collect(Collectors.toMap(f -> f.module() + "." + f.name(), Function.identity()));
    List<HostFunction> imports = new ArrayList<>();
    for (Import wanted : info.imports()) {
      String name = wanted.module() + "." + wanted.name();
      if (!(wanted.type() instanceof ExternType.Function function)) {
        return invalid(
            "imports " + wanted.type().kind() + " " + name + "; this host provides functions only");
      }
      HostFunction offered = byName.get(name);
      if (offered == null) {
        String why =
            wanted.module().equals(HostFacts.MODULE)
                ? "host facts are linked only for groups with the observe privilege"
                : "this host does not provide it";
        return invalid("imports " + name + ", which is not available: " + why);
      }
      if (!offered.type().equals(function.type())) {
        return invalid(
            "imports " + name + " as " + function.type() + ", but it is " + offered.type());
      }
      imports.add(offered);
    }
    return new Checked.Passed<>(imports);
  }

  private static Checked<WasmEngine.Entry> entry(ModuleInfo info, ExecutionRequest request) {
    return switch (request) {
      case ExecutionRequest.CommandRun run -> {
        Optional<Export> start = info.exportedFunction("_start");
        if (start.isEmpty()) {
          yield invalid(
              "the module is a "
                  + info.kind().text()
                  + " without _start; call one of its functions");
        }
        FuncType type = ((ExternType.Function) start.get().type()).type();
        if (!type.params().isEmpty() || !type.results().isEmpty()) {
          yield invalid("_start must be () -> (), it is " + type);
        }
        yield new Checked.Passed<>(new WasmEngine.Start());
      }
      case ExecutionRequest.FunctionCall call -> call(info, call);
    };
  }

  static Checked<WasmEngine.Entry> call(ModuleInfo info, ExecutionRequest.FunctionCall call) {
    Optional<Export> export = info.exportedFunction(call.function());
    if (export.isEmpty()) {
      return new Checked.Failed<>(
          ExecutionOutcome.Invalid.noFunction(
              "the module exports no function '" + call.function() + "'"));
    }
    FuncType type = ((ExternType.Function) export.get().type()).type();
    // the types callers pass: byte strings where the metadata declares them (docs/SERVICES.md)
    CallSignature declared = CallSignature.of(info, call.function()).orElseThrow();
    List<String> given = call.args().stream().map(CallValue::typeName).toList();
    if (!given.equals(declared.params())) {
      return new Checked.Failed<>(
          ExecutionOutcome.Invalid.badArgument(
              call.function()
                  + " takes "
                  + names(declared.params())
                  + ", but the call passes "
                  + names(given)));
    }
    for (ValueType result : type.results()) {
      if (result == ValueType.V128 || result.isReference()) {
        return invalid(
            call.function()
                + " returns "
                + result
                + "; only i32, i64, f32 and f64 results can be sent back");
      }
    }
    boolean initialize = info.exportedFunction("_initialize").isPresent();
    if (declared.hasByteStrings()) {
      boolean allocator =
          info.exportedFunction(CallSignature.ALLOCATOR)
              .filter(
                  a -> ((ExternType.Function) a.type()).type().equals(CallSignature.ALLOCATOR_TYPE))
              .isPresent();
      if (!allocator) {
        return invalid(
            call.function()
                + " declares byte strings but the module does not export "
                + CallSignature.ALLOCATOR
                + " "
                + CallSignature.ALLOCATOR_TYPE);
      }
      List<CallValue> args = List.copyOf(call.args());
      return new Checked.Passed<>(
          new WasmEngine.GluedCall(
              new ByteStringCall(call.function(), declared, type, args), initialize));
    }
    List<WasmValue> numbers = call.args().stream().map(WasmValue.class::cast).toList();
    return new Checked.Passed<>(new WasmEngine.Call(call.function(), type, numbers, initialize));
  }

  private static String names(List<String> types) {
    return "(" + String.join(", ", types) + ")";
  }

  private static <T> Checked<T> invalid(String reason) {
    return new Checked.Failed<>(new ExecutionOutcome.Invalid(reason));
  }

  private static String list(List<ValueType> types) {
    return types.stream().map(ValueType::text).collect(Collectors.joining(", ", "(", ")"));
  }
}
