package org.weverywhere.wasm;

import java.util.List;
import java.util.stream.Collectors;

/** A function signature: parameter and result types, in order. */
public record FuncType(List<ValueType> params, List<ValueType> results) {
  public FuncType {
    params = List.copyOf(params);
    results = List.copyOf(results);
  }

  /** E.g. {@code (i32, i32) -> i32}, {@code () -> ()}, {@code (i64) -> (i32, i32)}. */
  @Override
  public String toString() {
    String results =
        this.results.size() == 1 ? this.results.getFirst().text() : "(" + join(this.results) + ")";
    return "(" + join(params) + ") -> " + results;
  }

  /** Reads what {@link #toString} writes; empty when {@code text} is not a signature of number types. */
  public static java.util.Optional<FuncType> parse(String text) {
    int arrow = text.indexOf(") -> ");
    if (!text.startsWith("(") || arrow < 0) {
      return java.util.Optional.empty();
    }
    String results = text.substring(arrow + ") -> ".length()).strip();
    if (results.startsWith("(") && results.endsWith(")")) {
      results = results.substring(1, results.length() - 1);
    }
    var params = types(text.substring(1, arrow));
    var resultTypes = types(results);
    if (params == null || resultTypes == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new FuncType(params, resultTypes));
  }

  private static List<ValueType> types(String list) {
    List<ValueType> types = new java.util.ArrayList<>();
    if (list.isBlank()) {
      return types;
    }
    for (String item : list.split(",")) {
      ValueType found = null;
      for (ValueType type : ValueType.values()) {
        if (type.text().equals(item.strip())) {
          found = type;
        }
      }
      if (found == null) {
        return null;
      }
      types.add(found);
    }
    return types;
  }

  private static String join(List<ValueType> types) {
    return types.stream().map(ValueType::text).collect(Collectors.joining(", "));
  }
}
