package org.weverywhere.wasm;

/** Which WASI interface a module expects from its host, judged from its imports. */
public enum WasiVersion {
  NONE("none", null),
  /** The legacy snapshot 0 interface. */
  PREVIEW0("preview0", "wasi_unstable"),
  /** WASI 0.1, the interface Wasmtime, Chicory and node run. */
  PREVIEW1("preview1", "wasi_snapshot_preview1"),
  /** A component-model binary: which WASI worlds it uses is not read by this version. */
  UNKNOWN("unknown", null);

  private final String text;
  private final String importModule;

  WasiVersion(String text, String importModule) {
    this.text = text;
    this.importModule = importModule;
  }

  public String text() {
    return text;
  }

  /** The import module name that marks this version, or null when imports do not mark it. */
  public String importModule() {
    return importModule;
  }
}
