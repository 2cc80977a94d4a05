package org.weverywhere.exec;

import java.util.List;
import org.weverywhere.exec.host.HostFunction;
import org.weverywhere.wasm.ModuleInfo;

/**
 * Host functions beyond WASI and host facts that a module's imports may be linked to (services,
 * here or on other hosts). Asked once per instantiation, before anything runs; a refusal there (a
 * {@link org.weverywhere.WeverywhereException}) ends the request as invalid with its message.
 */
public interface ImportProvider {
  /** Provides nothing: every import beyond WASI and host facts is unavailable. */
  ImportProvider NONE = info -> List.of();

  /**
   * The functions for those of the module's imports this provider answers for, typed as it offers
   * them.
   */
  List<HostFunction> functions(ModuleInfo info);
}
