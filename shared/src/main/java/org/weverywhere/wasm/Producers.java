package org.weverywhere.wasm;

import java.util.List;
import java.util.Map;

/**
 * The {@code producers} custom section: which languages, tools and SDKs made the module.
 *
 * @param fields field name ({@code language}, {@code processed-by}, {@code sdk}) to its tools, in
 *     file order
 */
public record Producers(Map<String, List<Tool>> fields) {
  public Producers {
    fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
  }

  /** One named tool with its version string, e.g. {@code clang 19.1.7}. */
  public record Tool(String name, String version) {
    @Override
    public String toString() {
      return version.isEmpty() ? name : name + " " + version;
    }
  }
}
