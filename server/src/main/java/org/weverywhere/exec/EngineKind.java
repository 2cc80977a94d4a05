package org.weverywhere.exec;

/** Which WebAssembly engine runs guests ({@code executor.engine}). */
public enum EngineKind {
  /** Wasmtime through wasmtime-java (JNI, Cranelift): the default. */
  WASMTIME,
  /** Chicory, pure Java, with its bytecode compiler. */
  CHICORY
}
