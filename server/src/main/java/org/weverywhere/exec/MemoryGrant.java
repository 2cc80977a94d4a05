package org.weverywhere.exec;

import java.util.ArrayList;
import java.util.List;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.Import;
import org.weverywhere.wasm.Limits;
import org.weverywhere.wasm.ModuleInfo;

/**
 * The memory one execution gets: its module's declared maximum, but never more than the group
 * allows per execution; reserved in full at admission.
 *
 * @param pages the maximum written into the module, per memory
 * @param reservedBytes what admission reserves for all the module's memories
 */
record MemoryGrant(long pages, long reservedBytes) {
  /** The grant, or a refusal when the module starts larger than the group allows. */
  static Checked<MemoryGrant> of(ModuleInfo info, String group, GroupQuota quota) {
    List<Limits> memories = new ArrayList<>(info.memories());
    for (Import i : info.imports()) {
      if (i.type() instanceof ExternType.Memory memory) {
        memories.add(memory.limits());
      }
    }
    if (memories.isEmpty()) {
      return new Checked.Passed<>(new MemoryGrant(0, 0));
    }
    long allowed = Math.min(quota.memoryPerExecution() / Limits.PAGE_SIZE, 65_536);
    long pages = 0;
    for (Limits limits : memories) {
      if (limits.min() > allowed) {
        return new Checked.Failed<>(new Outcome.Refused(
            Quota.MEMORY_PER_EXECUTION,
            "the module starts with " + limits.min() * Limits.PAGE_SIZE + " bytes of memory; group '"
                + group + "' may use " + quota.memoryPerExecution() + " per execution"));
      }
      pages = Math.max(pages, Math.min(limits.max().orElse(allowed), allowed));
    }
    return new Checked.Passed<>(
        new MemoryGrant(pages, pages * Limits.PAGE_SIZE * memories.size()));
  }
}
