package org.weverywhere.wasm;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Everything {@code weverywhere inspect} reports about one module, read without running it.
 *
 * @param size bytes in the file
 * @param sha256 lower-case hex SHA-256 of the whole file: the module's identity
 * @param memories memories the module defines (imported ones are among {@link #imports})
 * @param functionCount functions the module defines (imported ones not counted)
 * @param moduleName the module's own name from the {@code name} section, or empty
 * @param functionNames function index to debug name, from the {@code name} section
 * @param warnings problems in custom sections, which by the spec do not make a module invalid
 * @param footprint what the module makes an engine hold, and the proposals it uses
 */
public record ModuleInfo(
    long size,
    String sha256,
    ModuleKind kind,
    WasiVersion wasi,
    List<Import> imports,
    List<Export> exports,
    List<Limits> memories,
    long functionCount,
    List<CustomSection> customSections,
    Optional<Producers> producers,
    Optional<String> moduleName,
    SortedMap<Long, String> functionNames,
    Optional<ModuleMetadata> metadata,
    List<String> warnings,
    Footprint footprint) {
  public ModuleInfo {
    imports = List.copyOf(imports);
    exports = List.copyOf(exports);
    memories = List.copyOf(memories);
    customSections = List.copyOf(customSections);
    functionNames =
        java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(functionNames));
    warnings = List.copyOf(warnings);
  }

  /** The exported function of that name, if any. */
  public Optional<Export> exportedFunction(String name) {
    return exports.stream()
        .filter(e -> e.name().equals(name) && e.type() instanceof ExternType.Function)
        .findFirst();
  }
}
