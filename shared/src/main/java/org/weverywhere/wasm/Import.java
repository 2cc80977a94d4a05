package org.weverywhere.wasm;

/** Something the module needs from its host, e.g. {@code wasi_snapshot_preview1.fd_write}. */
public record Import(String module, String name, ExternType type) {}
