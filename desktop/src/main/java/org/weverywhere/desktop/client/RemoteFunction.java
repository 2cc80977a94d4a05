package org.weverywhere.desktop.client;

import java.util.Objects;
import java.util.Optional;
import org.weverywhere.wasm.FuncType;

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

  /** Reads {@code name (p, ...) -> r}: the arrow is the last one, as a name may hold anything. */
  public static RemoteFunction of(String export) {
    int arrow = export.lastIndexOf(") -> ");
    int open = arrow < 0 ? -1 : export.lastIndexOf(" (", arrow);
    if (open <= 0) {
      return new RemoteFunction(export, Optional.empty());
    }
    Optional<FuncType> type = FuncType.parse(export.substring(open + 1));
    return type.isPresent()
        ? new RemoteFunction(export.substring(0, open), type)
        : new RemoteFunction(export, Optional.empty());
  }

  @Override
  public String toString() {
    return type.map(t -> name + " " + t).orElse(name);
  }
}
