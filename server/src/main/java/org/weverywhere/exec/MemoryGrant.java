package org.weverywhere.exec;

import java.util.List;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.Footprint;
import org.weverywhere.wasm.Limits;
import org.weverywhere.wasm.ModuleInfo;

/**
 * The memory one execution gets, tables included: each memory and table keeps its declared maximum,
 * but never more than the group allows per execution; reserved in full at admission.
 *
 * <p>Tables are granted first: their maxima are lowered so that all of them together take at most
 * an eighth of the per-execution memory (never below what they declare as their minimum), at the
 * engine's cost per element. The memories share the rest. Toolchains declare fixed tables (their
 * minimum is their maximum), so a real program loses at most a page to its table; a module that
 * wants a growable table gets a bounded one.
 *
 * @param pages the maximum written into the module, per memory
 * @param tableElements the maximum written into the module, per table
 * @param reservedBytes what admission reserves for all the module's memories and tables
 */
record MemoryGrant(long pages, long tableElements, long reservedBytes) {
  /** The share of the per-execution memory all growable tables may take together. */
  static final int TABLE_SHARE_DIVISOR = 8;

  /**
   * The grant, or a refusal when the module starts larger than the group allows.
   *
   * @param elementBytes what the engine holds per table element (docs/ENGINES.md)
   */
  static Checked<MemoryGrant> of(
      ModuleInfo info, String group, GroupLimits quota, long elementBytes) {
    Footprint footprint = info.footprint();
    List<Limits> memories = footprint.memories();
    List<Limits> tables = footprint.tables().stream().map(ExternType.Table::limits).toList();
    long budget = quota.memoryPerExecution();

    long tableCap = 0;
    long tableBytes = 0;
    if (!tables.isEmpty()) {
      long share = budget / TABLE_SHARE_DIVISOR / elementBytes / tables.size();
      long largestMin = 0;
      for (Limits table : tables) {
        largestMin = Math.max(largestMin, table.min());
      }
      tableCap = Math.max(largestMin, share);
      for (Limits table : tables) {
        tableBytes += Math.min(table.max().orElse(tableCap), tableCap) * elementBytes;
      }
      long startBytes = tables.stream().mapToLong(Limits::min).sum() * elementBytes;
      if (startBytes > budget) {
        return new Checked.Failed<>(
            new ExecutionOutcome.Refused(
                Quota.MEMORY_PER_EXECUTION,
                "the module starts with tables of "
                    + startBytes
                    + " bytes ("
                    + elementBytes
                    + " per element); group '"
                    + group
                    + "' may use "
                    + budget
                    + " per execution"));
      }
      if (tableBytes > budget) { // minimums fit, growth does not: the tables keep their minimums
        tableCap = largestMin;
        tableBytes = 0;
        for (Limits table : tables) {
          tableBytes += Math.min(table.max().orElse(tableCap), tableCap) * elementBytes;
        }
      }
    }
    if (memories.isEmpty()) {
      return new Checked.Passed<>(new MemoryGrant(0, tableCap, tableBytes));
    }
    long allowed = Math.min((budget - tableBytes) / Limits.PAGE_SIZE / memories.size(), 65_536);
    long pages = 0;
    for (Limits limits : memories) {
      if (limits.min() > allowed) {
        return new Checked.Failed<>(
            new ExecutionOutcome.Refused(
                Quota.MEMORY_PER_EXECUTION,
                "the module starts with "
                    + limits.min() * Limits.PAGE_SIZE
                    + " bytes of memory"
                    + (tableBytes > 0 ? " and " + tableBytes + " bytes of tables" : "")
                    + "; group '"
                    + group
                    + "' may use "
                    + budget
                    + " per execution"));
      }
      pages = Math.max(pages, Math.min(limits.max().orElse(allowed), allowed));
    }
    long memoryBytes = 0;
    for (Limits limits : memories) {
      memoryBytes += Math.min(limits.max().orElse(pages), pages) * Limits.PAGE_SIZE;
    }
    return new Checked.Passed<>(new MemoryGrant(pages, tableCap, memoryBytes + tableBytes));
  }
}
