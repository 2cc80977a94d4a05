package org.weverywhere.store;

import org.weverywhere.wasm.ModuleInfo;

/**
 * A module this host offers: identified by the SHA-256 of its bytes, described by what the module
 * reader found in it, named by its own metadata, else by the module name its toolchain wrote in the
 * {@code name} section, else by the start of its hash.
 */
public record Library(String sha256, String name, String version, ModuleInfo info) {
  public long size() {
    return info.size();
  }

  /** {@code name@version}, or the name alone when the module states no version. */
  public String label() {
    return version.isEmpty() ? name : name + "@" + version;
  }

  static Library of(ModuleInfo info) {
    String name =
        info.metadata()
            .flatMap(m -> m.name())
            .or(() -> info.moduleName().map(n -> n.replaceFirst("\\.(wasm|wasi)$", "")))
            .filter(n -> !n.isBlank())
            .orElse(info.sha256().substring(0, 12));
    String version = info.metadata().flatMap(m -> m.version()).orElse("");
    return new Library(info.sha256(), name, version, info);
  }
}
