package org.weverywhere.wasm;

/**
 * A custom section as found in the binary.
 *
 * @param offset byte offset of the section's id byte in the file
 * @param size size of the section's content (name included), as declared
 */
public record CustomSection(String name, long offset, long size) {}
