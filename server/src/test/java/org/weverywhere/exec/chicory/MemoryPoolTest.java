package org.weverywhere.exec.chicory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: pooled memories pass nothing from one execution to the next. The pool relies on Chicory
 * zeroing every memory an instance is built with; this checks the Chicory in use still does, with a
 * memory that the previous "requester" filled.
 */
class MemoryPoolTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @Test
  void aMemoryIsReusedOnlyAtTheSizeItWasMade() {
    var pool = new MemoryPool(new MemoryPool.Budget(Long.MAX_VALUE));
    var limits = new MemoryLimits(2, 16);
    Memory first = pool.take(limits);
    pool.give(first, limits);
    assertEquals(2L * Memory.PAGE_SIZE, pool.idleBytes());
    assertSame(first, pool.take(limits), "an idle memory of the same limits is reused");
    assertEquals(0, pool.idleBytes());
    assertEquals(2, first.grow(1), "the guest grew it");
    pool.give(first, limits);
    assertEquals(0, pool.idleBytes(), "a grown memory is dropped: memory.size starts as made");
    assertNotSame(first, pool.take(limits));
    Memory other = pool.take(new MemoryLimits(2, 32));
    pool.give(other, new MemoryLimits(2, 32));
    assertNotSame(other, pool.take(limits), "another grant's maximum is another memory");
  }

  @Test
  void theIdleMemoriesStayWithinTheirBudget() {
    var pool = new MemoryPool(new MemoryPool.Budget(Long.MAX_VALUE));
    var limits = new MemoryLimits(16, 16); // 1 MiB each
    Memory[] taken = new Memory[6];
    for (int i = 0; i < taken.length; i++) {
      taken[i] = pool.take(limits);
    }
    for (Memory memory : taken) {
      pool.give(memory, limits);
    }
    assertEquals(MemoryPool.MAX_BYTES, pool.idleBytes());
  }

  @Test
  void manyModulesPoolsTogetherStayWithinTheEnginesBudget() {
    // one requester's many distinct modules, each cached with a pool of its own: idle memory is
    // the daemon's heap, which no grant counts
    var budget = new MemoryPool.Budget(3L << 20);
    var limits = new MemoryLimits(16, 16); // 1 MiB each
    var pools = new MemoryPool[8];
    for (int i = 0; i < pools.length; i++) {
      pools[i] = new MemoryPool(budget);
      pools[i].give(pools[i].take(limits), limits);
    }
    assertEquals(3L << 20, budget.usedBytes());
    long idle = 0;
    for (MemoryPool pool : pools) {
      idle += pool.idleBytes();
    }
    assertEquals(3L << 20, idle, "the pools beyond the budget kept nothing");
    pools[0].take(limits); // reused: its bytes are no longer idle
    assertEquals(2L << 20, budget.usedBytes());
  }

  @Test
  void aClosedPoolKeepsNothingAndGivesItsBytesBack() {
    var budget = new MemoryPool.Budget(8L << 20);
    var pool = new MemoryPool(budget);
    var limits = new MemoryLimits(16, 16);
    Memory running = pool.take(limits); // an execution still running when its module is evicted
    pool.give(pool.take(limits), limits);
    assertEquals(1L << 20, budget.usedBytes());
    pool.close();
    assertEquals(0, budget.usedBytes(), "an evicted module's idle memory is the budget's again");
    pool.give(running, limits);
    assertEquals(0, pool.idleBytes(), "given back after the eviction: dropped");
    assertEquals(0, budget.usedBytes());
  }

  @Test
  void sharedMemoriesAreNeverPooled() {
    var pool = new MemoryPool(new MemoryPool.Budget(Long.MAX_VALUE));
    var shared = new MemoryLimits(1, 4, true);
    Memory memory = pool.take(shared);
    pool.give(memory, shared);
    assertEquals(0, pool.idleBytes());
  }

  @Test
  void anInstanceBuiltOnAReusedMemorySeesNoneOfWhatTheLastOneLeft() throws Exception {
    var module = Parser.parse(Files.readAllBytes(EXAMPLES.resolve("kv.wasi")));
    var pool = new MemoryPool(new MemoryPool.Budget(Long.MAX_VALUE));
    int initial = module.memorySection().orElseThrow().getMemory(0).limits().initialPages();
    var limits = new MemoryLimits(initial, 64);
    Memory used = pool.take(limits);
    int size = initial * Memory.PAGE_SIZE;
    byte[] secret = new byte[size];
    java.util.Arrays.fill(secret, (byte) 0x5a);
    used.write(0, secret); // everything the last requester could have left, data and stack
    pool.give(used, limits);
    Memory[] given = {null};
    Instance.builder(module)
        .withMemoryLimits(limits)
        .withMemoryFactory(
            l -> {
              given[0] = pool.take(l);
              return given[0];
            })
        .withStart(false)
        .build();
    assertSame(used, given[0], "the instance got the reused memory");
    byte[] seen = given[0].readBytes(0, size);
    // a fresh memory: zeroes, but for the module's own data segments
    var fresh = new com.dylibso.chicory.runtime.ByteBufferMemory(limits);
    Instance.builder(module)
        .withMemoryLimits(limits)
        .withMemoryFactory(l -> fresh)
        .withStart(false)
        .build();
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        fresh.readBytes(0, size), seen, "a reused memory starts exactly as a fresh one");
  }
}
