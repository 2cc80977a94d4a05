package org.weverywhere.wasm;

import java.util.OptionalLong;

/**
 * Size limits of a memory (in 64 KiB pages) or a table (in elements).
 *
 * @param max absent when the module sets no maximum
 * @param shared a shared (threads proposal) memory
 * @param index64 a 64-bit memory or table (memory64 proposal)
 */
public record Limits(long min, OptionalLong max, boolean shared, boolean index64) {
  public static final long PAGE_SIZE = 65_536;

  @Override
  public String toString() {
    return max.isPresent() ? min + ".." + max.getAsLong() : min + "..";
  }
}
