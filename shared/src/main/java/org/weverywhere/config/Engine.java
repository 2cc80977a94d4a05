package org.weverywhere.config;

import java.util.Locale;

/** The WebAssembly engine that executes modules ({@code executor.engine}). */
public enum Engine {
  /** Wasmtime through wasmtime-java (JNI): the default. */
  WASMTIME,
  /** Chicory, pure Java, with its bytecode compiler. */
  CHICORY;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
