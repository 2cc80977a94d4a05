package org.weverywhere.exec.wasmtime;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.weverywhere.config.Engine;
import org.weverywhere.exec.WasmEngine;
import org.weverywhere.wasm.Proposal;

/**
 * Wasmtime through wasmtime-java (JNI, Cranelift). Executions borrow a {@link WasmtimeLane}; there
 * are as many lanes as executions ever ran at once, which admission bounds by the host's slots.
 */
public final class WasmtimeEngine implements WasmEngine {
  private final int cacheSize;
  private final ConcurrentLinkedQueue<WasmtimeLane> idle = new ConcurrentLinkedQueue<>();
  private final List<WasmtimeLane> lanes = new ArrayList<>();

  public WasmtimeEngine(int cacheSize) {
    WasmtimeNativeLibrary.load();
    this.cacheSize = cacheSize;
  }

  /**
   * A pointer per element; growing reallocates in place (no second copy is resident): measured 8.4
   * bytes of RSS per element at 4 Mi elements, grown at once or 4096 at a time, docs/ENGINES.md.
   */
  static final long TABLE_ELEMENT_BYTES = 8;

  /**
   * Proposals Wasmtime 7.0.1 runs with wasmtime-java's default configuration, each checked by
   * EngineProposalsTest.
   */
  private static final Set<Proposal> PROPOSALS =
      EnumSet.of(
          Proposal.SIGN_EXTENSION,
          Proposal.NON_TRAPPING_FLOAT_TO_INT,
          Proposal.MULTI_VALUE,
          Proposal.BULK_MEMORY,
          Proposal.REFERENCE_TYPES,
          Proposal.SIMD);

  @Override
  public Engine kind() {
    return Engine.WASMTIME;
  }

  /** Cranelift compiles a module's functions in parallel on native worker threads. */
  @Override
  public boolean compilesOnCallingThread() {
    return false;
  }

  /** Cranelift: RSS grew by 30 MiB at its peak compiling a 2 MB module (docs/ENGINES.md). */
  @Override
  public long compileBytes(long moduleBytes) {
    return moduleBytes * 16;
  }

  @Override
  public long tableElementBytes() {
    return TABLE_ELEMENT_BYTES;
  }

  @Override
  public Set<Proposal> proposals() {
    return PROPOSALS;
  }

  @Override
  public Run run(Module module, Entry entry, Sandbox sandbox) {
    WasmtimeLane lane = idle.poll();
    if (lane == null) {
      lane = new WasmtimeLane(cacheSize);
      synchronized (lanes) {
        lanes.add(lane);
      }
    }
    try {
      return lane.run(module, entry, sandbox);
    } finally {
      idle.offer(lane);
    }
  }

  @Override
  public Kept keep(Module module, boolean initialize, Sandbox sandbox) {
    return new WasmtimeKept(module, initialize, sandbox);
  }

  @Override
  public void close() {
    synchronized (lanes) {
      lanes.forEach(WasmtimeLane::close);
      lanes.clear();
      idle.clear();
    }
  }
}
