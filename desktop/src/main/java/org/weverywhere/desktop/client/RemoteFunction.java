package org.weverywhere.desktop.client;

import java.util.Objects;
import java.util.Optional;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ListedFunction;

/**
 * One function a peer's library exports, read from the text {@code describe} lists, e.g. {@code add
 * (i32, i32) -> i32}; {@code type} is empty when the text carries no signature this version reads
 * (then the function is shown but not offered for a typed call).
 */
public record RemoteFunction(String name, Optional<FuncType> type) {
  public RemoteFunction {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  /**
   * Reads {@code name (p, ...) -> r}; a text with no signature of core types is shown whole, not
   * offered for a typed call.
   */
  public static RemoteFunction of(String export) {
    return ListedFunction.read(export)
        .flatMap(f -> f.core().map(type -> new RemoteFunction(f.name(), Optional.of(type))))
        .orElseGet(() -> new RemoteFunction(export, Optional.empty()));
  }

  @Override
  public String toString() {
    return type.map(t -> name + " " + t).orElse(name);
  }
}
