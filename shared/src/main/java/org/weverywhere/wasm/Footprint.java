package org.weverywhere.wasm;

import java.util.List;
import java.util.Map;

/**
 * What a module would make an engine hold before any of its code runs, and which proposals it uses:
 * read from the binary so that a host can bound it (see {@link ModuleLimits}).
 *
 * @param tables every table, imported ones first (limits in elements)
 * @param memories every memory, imported ones first (limits in pages)
 * @param types entries of the type section
 * @param functions functions in the index space, imported ones included
 * @param globals globals in the index space, imported ones included
 * @param maxLocals the most locals one function body declares (parameters not counted)
 * @param maxBodyBytes the largest function body, in bytes
 * @param dataSegments data segments
 * @param dataBytes bytes of all data segments together
 * @param elementSegments element segments
 * @param elementEntries entries of all element segments together
 * @param proposals each proposal the module uses, with the byte offset of its first use
 */
public record Footprint(
    List<ExternType.Table> tables,
    List<Limits> memories,
    long types,
    long functions,
    long globals,
    long maxLocals,
    long maxBodyBytes,
    long dataSegments,
    long dataBytes,
    long elementSegments,
    long elementEntries,
    Map<Proposal, Long> proposals) {
  public Footprint {
    tables = List.copyOf(tables);
    memories = List.copyOf(memories);
    proposals =
        java.util.Collections.unmodifiableMap(
            new java.util.EnumMap<>(
                proposals.isEmpty()
                    ? new java.util.EnumMap<Proposal, Long>(Proposal.class)
                    : proposals));
  }
}
