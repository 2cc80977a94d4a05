package org.weverywhere.wasm;

/**
 * Something the module offers its host.
 *
 * @param index the index in the module's space of that kind (imports first, then definitions)
 */
public record Export(String name, ExternType type, long index) {}
