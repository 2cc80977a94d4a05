package org.weverywhere.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.FuncType;

/**
 * A service as it is now.
 *
 * @param sha256 the library's hash, empty when the library is not in the store
 * @param functions the callable exports with their types, in export order
 * @param instances instances configured
 * @param live instances up now
 * @param since when the service entered its state
 * @param reason why it restarts or failed; empty while it runs
 */
public record ServiceSnapshot(
    String name,
    String library,
    Optional<String> sha256,
    String group,
    List<Function> functions,
    int instances,
    int live,
    ServiceState state,
    Instant since,
    Optional<String> reason) {
  public ServiceSnapshot {
    functions = List.copyOf(functions);
  }

  /**
   * A callable export.
   *
   * @param type its core type
   * @param signature as callers see it: with the byte strings its metadata declares
   */
  public record Function(String name, FuncType type, CallSignature signature) {
    public Function(String name, FuncType type) {
      this(name, type, CallSignature.core(type));
    }
  }
}
