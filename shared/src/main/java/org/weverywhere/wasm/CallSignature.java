package org.weverywhere.wasm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A function's signature as its callers see it: the core types, except where the module's {@code
 * weverywhere} metadata declares a byte string ({@code bytes}, or UTF-8 {@code string}) in place of
 * the core values that carry it (docs/SERVICES.md "Byte strings"): a parameter is an {@code (i32
 * ptr, i32 len)} pair, a result one {@code i64} {@code (ptr << 32) | len}. E.g. {@code (string,
 * string) -> string} for the core export {@code (i32, i32, i32, i32) -> i64}.
 *
 * @param params type names in order: a core type's text ({@code i32}...) or {@code bytes}/{@code
 *     string}
 * @param results the same for results
 */
public record CallSignature(List<String> params, List<String> results) {
  public static final String BYTES = "bytes";
  public static final String STRING = "string";

  /** The export the host calls to place an argument's bytes in guest memory. */
  public static final String ALLOCATOR = "weverywhere_alloc";

  public static final FuncType ALLOCATOR_TYPE =
      new FuncType(List.of(ValueType.I32), List.of(ValueType.I32));

  /** The largest byte string passed either way: a call argument, not a bulk transfer. */
  public static final int MAX_BYTES = 1 << 20;

  public CallSignature {
    params = List.copyOf(params);
    results = List.copyOf(results);
  }

  /** True for {@code bytes} and {@code string}. */
  public static boolean isByteString(String type) {
    return BYTES.equals(type) || STRING.equals(type);
  }

  /** The core signature, unchanged. */
  public static CallSignature core(FuncType type) {
    return new CallSignature(texts(type.params()), texts(type.results()));
  }

  /**
   * The signature a function's metadata declares over its core type: the core one when it declares
   * no byte strings.
   *
   * @throws IllegalArgumentException with a one-line reason when the declared types do not lower to
   *     {@code core}
   */
  public static CallSignature declared(FuncType core, ModuleMetadata.FunctionDoc doc) {
    boolean bytes =
        doc.params().stream()
                .anyMatch(v -> v.type().filter(CallSignature::isByteString).isPresent())
            || doc.results().stream()
                .anyMatch(v -> v.type().filter(CallSignature::isByteString).isPresent());
    if (!bytes) {
      return core(core);
    }
    List<String> params = new ArrayList<>();
    int at = 0;
    for (ModuleMetadata.Value value : doc.params()) {
      String type = value.type().orElse(null);
      if (isByteString(type)) {
        if (at + 2 > core.params().size()
            || core.params().get(at) != ValueType.I32
            || core.params().get(at + 1) != ValueType.I32) {
          throw mismatch(
              core,
              "parameter '" + value.name() + "' is a " + type + ", which needs (i32, i32) there");
        }
        params.add(type);
        at += 2;
      } else {
        if (at >= core.params().size()
            || (type != null && !core.params().get(at).text().equals(type))) {
          throw mismatch(core, "parameter '" + value.name() + "' does not match it");
        }
        params.add(core.params().get(at).text());
        at++;
      }
    }
    if (at != core.params().size()) {
      throw mismatch(
          core,
          "the declared parameters cover "
              + at
              + " of its "
              + core.params().size()
              + " core values");
    }
    List<String> results = new ArrayList<>(texts(core.results()));
    if (!doc.results().isEmpty()) {
      if (doc.results().size() != core.results().size()) {
        throw mismatch(core, "it declares " + doc.results().size() + " results");
      }
      for (int i = 0; i < results.size(); i++) {
        String type = doc.results().get(i).type().orElse(null);
        if (isByteString(type)) {
          if (core.results().size() != 1 || core.results().get(0) != ValueType.I64) {
            throw mismatch(core, "a " + type + " result is one i64 (ptr << 32 | len)");
          }
          results.set(i, type);
        } else if (type != null && !type.equals(results.get(i))) {
          throw mismatch(core, "result '" + doc.results().get(i).name() + "' does not match it");
        }
      }
    }
    return new CallSignature(params, results);
  }

  /**
   * The signature of an exported function as callers see it, from the module's metadata when it
   * declares one that fits; empty when the module exports no such function.
   */
  public static Optional<CallSignature> of(ModuleInfo info, String function) {
    return info.exportedFunction(function)
        .map(
            export -> {
              FuncType core = ((ExternType.Function) export.type()).type();
              var doc = info.metadata().map(m -> m.functions().get(function));
              if (doc.isEmpty()) {
                return core(core);
              }
              try {
                return declared(core, doc.get());
              } catch (IllegalArgumentException contradicts) {
                return core(core); // inspect warns about it; callers see the truth of the binary
              }
            });
  }

  /** True when a parameter or result is a byte string, so calls need the allocator. */
  public boolean hasByteStrings() {
    return params.stream().anyMatch(CallSignature::isByteString)
        || results.stream().anyMatch(CallSignature::isByteString);
  }

  /** The core signature, when every type is a core one. */
  public Optional<FuncType> asCore() {
    return hasByteStrings()
        ? Optional.empty()
        : Optional.of(
            new FuncType(
                params.stream().map(ValueType::fromText).toList(),
                results.stream().map(ValueType::fromText).toList()));
  }

  /**
   * Reads what {@link #toString()} writes; empty when the text is not that. The one reader of
   * signature text: {@link FuncType#parse} and {@link ListedFunction} read through it.
   */
  public static Optional<CallSignature> parse(String text) {
    int arrow = text.indexOf(") -> ");
    if (!text.startsWith("(") || arrow < 0 || text.endsWith(" -> ")) {
      return Optional.empty();
    }
    String results = text.substring(arrow + ") -> ".length());
    Optional<List<String>> params = types(text.substring(1, arrow));
    Optional<List<String>> resultTypes =
        results.startsWith("(") && results.endsWith(")")
            ? types(results.substring(1, results.length() - 1))
            : types(results);
    return params.isEmpty() || resultTypes.isEmpty()
        ? Optional.empty()
        : Optional.of(new CallSignature(params.get(), resultTypes.get()));
  }

  private static Optional<List<String>> types(String list) {
    List<String> types = new ArrayList<>();
    if (list.isBlank()) {
      return Optional.of(types);
    }
    for (String text : list.split(",", -1)) {
      String type = text.strip();
      if (ValueType.fromText(type) == null && !isByteString(type)) {
        return Optional.empty();
      }
      types.add(type);
    }
    return Optional.of(types);
  }

  /**
   * E.g. {@code (string, string) -> string}, {@code () -> ()}, as {@link FuncType#toString()}
   * writes.
   */
  @Override
  public String toString() {
    String results =
        this.results.size() == 1
            ? this.results.getFirst()
            : "(" + String.join(", ", this.results) + ")";
    return "(" + String.join(", ", params) + ") -> " + results;
  }

  private static List<String> texts(List<ValueType> types) {
    return types.stream().map(ValueType::text).toList();
  }

  private static IllegalArgumentException mismatch(FuncType core, String why) {
    return new IllegalArgumentException("its signature is " + core + ": " + why);
  }
}
