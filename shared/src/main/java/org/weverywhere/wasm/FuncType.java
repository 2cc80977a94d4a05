package org.weverywhere.wasm;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** A function signature: parameter and result types, in order. */
public record FuncType(List<ValueType> params, List<ValueType> results) {
  public FuncType {
    params = List.copyOf(params);
    results = List.copyOf(results);
  }

  /**
   * Reads what {@link #toString()} writes ({@code (p, ...) -> r} or {@code (p, ...) -> (r, ...)}),
   * as {@code describe} lists a library's exports; empty when the text is not that.
   */
  public static Optional<FuncType> parse(String text) {
    return CallSignature.parse(text).flatMap(CallSignature::asCore);
  }

  /** E.g. {@code (i32, i32) -> i32}, {@code () -> ()}, {@code (i64) -> (i32, i32)}. */
  @Override
  public String toString() {
    String results =
        this.results.size() == 1 ? this.results.getFirst().text() : "(" + join(this.results) + ")";
    return "(" + join(params) + ") -> " + results;
  }

  private static String join(List<ValueType> types) {
    return types.stream().map(ValueType::text).collect(Collectors.joining(", "));
  }
}
