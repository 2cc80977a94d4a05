package org.weverywhere.wasm;

import java.util.ArrayList;
import java.util.Arrays;
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
    int arrow = text.indexOf(") -> ");
    if (!text.startsWith("(") || arrow < 0 || text.endsWith(" -> ")) {
      return Optional.empty();
    }
    String results = text.substring(arrow + ") -> ".length());
    Optional<List<ValueType>> params = types(text.substring(1, arrow));
    Optional<List<ValueType>> resultTypes =
        results.startsWith("(") && results.endsWith(")")
            ? types(results.substring(1, results.length() - 1))
            : types(results);
    return params.isEmpty() || resultTypes.isEmpty()
        ? Optional.empty()
        : Optional.of(new FuncType(params.get(), resultTypes.get()));
  }

  private static Optional<List<ValueType>> types(String list) {
    List<ValueType> types = new ArrayList<>();
    if (list.isBlank()) {
      return Optional.of(types);
    }
    for (String text : list.split(",", -1)) {
      Optional<ValueType> type =
          Arrays.stream(ValueType.values()).filter(t -> t.text().equals(text.strip())).findFirst();
      if (type.isEmpty()) {
        return Optional.empty();
      }
      types.add(type.get());
    }
    return Optional.of(types);
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
