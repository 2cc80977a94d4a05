package org.weverywhere.desktop.modules;

import java.nio.file.Path;
import java.util.List;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleSignatures;

/**
 * A module file opened on this workstation, inspected by the same parser as {@code weverywhere
 * inspect}, with its signatures checked. {@code bytes} is kept so the module can be submitted as
 * is.
 */
public record LocalModule(
    Path file, byte[] bytes, ModuleInfo info, ModuleSignatures.Report signatures) {
  /** An exported function someone can call, with its signature. */
  public record Function(String name, FuncType type) {
    @Override
    public String toString() {
      return name + " " + type;
    }
  }

  /** The exported functions, in export order ({@code _start}, {@code _initialize} included). */
  public List<Function> functions() {
    return info.exports().stream()
        .filter(e -> e.type() instanceof ExternType.Function)
        .map(e -> new Function(e.name(), ((ExternType.Function) e.type()).type()))
        .toList();
  }

  @Override
  public String toString() {
    return file.getFileName().toString();
  }
}
