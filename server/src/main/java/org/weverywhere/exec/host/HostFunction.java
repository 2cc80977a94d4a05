package org.weverywhere.exec.host;

import org.weverywhere.wasm.FuncType;

/**
 * A function the host offers guests as an import, written once for both engines: arguments and
 * results travel as the raw bits of their wasm values.
 */
public record HostFunction(String module, String name, FuncType type, Body body) {
  /** What the function does. */
  @FunctionalInterface
  public interface Body {
    long[] call(GuestMemory memory, long[] args);
  }
}
