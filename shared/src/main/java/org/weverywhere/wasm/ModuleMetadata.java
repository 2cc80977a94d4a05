package org.weverywhere.wasm;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A module's own description, from its {@code weverywhere} custom section (docs/METADATA.md).
 *
 * @param functions export name to its documentation, in the order the section lists them
 */
public record ModuleMetadata(
    Optional<String> name,
    Optional<String> version,
    Optional<String> description,
    Map<String, FunctionDoc> functions) {
  /** The custom section's name. */
  public static final String SECTION = "weverywhere";

  public ModuleMetadata {
    functions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(functions));
  }

  /** What the module says about one exported function. */
  public record FunctionDoc(Optional<String> description, List<Value> params, List<Value> results) {
    public FunctionDoc {
      params = List.copyOf(params);
      results = List.copyOf(results);
    }
  }

  /**
   * A named parameter or result.
   *
   * @param type a declared type such as {@code i32} or {@code string}; empty where the module names
   *     the value only and its core type comes from the signature
   */
  public record Value(String name, Optional<String> type) {}
}
