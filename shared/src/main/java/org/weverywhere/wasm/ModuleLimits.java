package org.weverywhere.wasm;

import java.util.Optional;

/**
 * The most of each resource a module may declare on this host, checked before it is compiled.
 *
 * <p>Each bound stops a module from making an engine allocate or compile in proportion to a number
 * it chose rather than to bytes it sent: a table's elements, memories, locals of one function
 * (which an engine allocates per call), and the counts an engine keeps per instance. The defaults
 * are the implementation limits the WebAssembly JS API sets for every web browser, so any module
 * that runs on the web fits, except where a lower bound protects the host (tables, memories); a
 * table's maximum is further lowered to its execution's memory grant.
 *
 * @param tables tables, imported ones included
 * @param tableElements elements one table may ever hold
 * @param memories memories, imported ones included
 * @param types entries of the type section
 * @param functions functions, imported ones included
 * @param globals globals, imported ones included
 * @param localsPerFunction locals one function body may declare
 * @param functionBodyBytes bytes of one function body
 * @param dataSegments data segments
 * @param elementSegments element segments
 * @param elementEntries entries of all element segments together
 */
public record ModuleLimits(
    long tables,
    long tableElements,
    long memories,
    long types,
    long functions,
    long globals,
    long localsPerFunction,
    long functionBodyBytes,
    long dataSegments,
    long elementSegments,
    long elementEntries) {
  /** The JS API's limits (tables and memories lower: each one is counted in the grant). */
  public static final ModuleLimits DEFAULT =
      new ModuleLimits(
          100,
          10_000_000,
          16,
          1_000_000,
          1_000_000,
          1_000_000,
          50_000,
          7_654_321,
          100_000,
          10_000_000,
          10_000_000);

  /** The first bound {@code footprint} exceeds, said in one sentence, or empty when it fits. */
  public Optional<String> violation(Footprint footprint) {
    if (footprint.tables().size() > tables) {
      return over(footprint.tables().size() + " tables", tables);
    }
    for (int i = 0; i < footprint.tables().size(); i++) {
      long min = footprint.tables().get(i).limits().min();
      if (Long.compareUnsigned(min, tableElements) > 0) {
        return over(
            "table " + i + " starting with " + Long.toUnsignedString(min) + " elements",
            tableElements + " elements per table");
      }
    }
    if (footprint.memories().size() > memories) {
      return over(footprint.memories().size() + " memories", memories);
    }
    if (footprint.types() > types) {
      return over(footprint.types() + " types", types);
    }
    if (footprint.functions() > functions) {
      return over(footprint.functions() + " functions", functions);
    }
    if (footprint.globals() > globals) {
      return over(footprint.globals() + " globals", globals);
    }
    if (footprint.maxLocals() > localsPerFunction) {
      return over(
          "a function with " + footprint.maxLocals() + " locals",
          localsPerFunction + " per function");
    }
    if (footprint.maxBodyBytes() > functionBodyBytes) {
      return over(
          "a function body of " + footprint.maxBodyBytes() + " bytes",
          functionBodyBytes + " bytes");
    }
    if (footprint.dataSegments() > dataSegments) {
      return over(footprint.dataSegments() + " data segments", dataSegments);
    }
    if (footprint.elementSegments() > elementSegments) {
      return over(footprint.elementSegments() + " element segments", elementSegments);
    }
    if (footprint.elementEntries() > elementEntries) {
      return over(footprint.elementEntries() + " element segment entries", elementEntries);
    }
    return Optional.empty();
  }

  private static Optional<String> over(String what, long bound) {
    return over(what, String.valueOf(bound));
  }

  private static Optional<String> over(String what, String bound) {
    return Optional.of("the module declares " + what + "; this host allows at most " + bound);
  }
}
