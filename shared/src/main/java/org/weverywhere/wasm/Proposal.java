package org.weverywhere.wasm;

/**
 * A WebAssembly proposal beyond the 1.0 (MVP) core that a module can be seen to use without running
 * it: a type, section, flag or opcode only that proposal defines.
 */
public enum Proposal {
  SIGN_EXTENSION("sign-extension operators"),
  NON_TRAPPING_FLOAT_TO_INT("non-trapping float-to-int conversions"),
  MULTI_VALUE("multi-value"),
  BULK_MEMORY("bulk memory"),
  REFERENCE_TYPES("reference types"),
  SIMD("SIMD"),
  RELAXED_SIMD("relaxed SIMD"),
  EXTENDED_CONST("extended constant expressions"),
  MULTI_MEMORY("multi-memory"),
  TAIL_CALLS("tail calls"),
  EXCEPTIONS("exception handling"),
  /** try, catch, catch_all, rethrow, delegate: the first design, replaced by try_table (exnref). */
  LEGACY_EXCEPTIONS("legacy exception handling"),
  THREADS("threads"),
  MEMORY64("memory64"),
  FUNCTION_REFERENCES("typed function references"),
  GC("GC");

  private final String title;

  Proposal(String title) {
    this.title = title;
  }

  /** The proposal's usual name, e.g. {@code tail calls}. */
  public String title() {
    return title;
  }

  @Override
  public String toString() {
    return title;
  }
}
