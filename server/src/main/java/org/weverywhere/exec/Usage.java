package org.weverywhere.exec;

import java.time.Duration;

/**
 * What an execution consumed, for billing and events.
 *
 * @param cpuTime CPU time of the executing thread from instantiation to the end
 * @param peakMemoryBytes linear memory at the end (memories only grow, so this is the peak)
 * @param outputBytes stdout plus stderr bytes the guest wrote, captured or not
 */
public record Usage(Duration cpuTime, Duration wallTime, long peakMemoryBytes, long outputBytes) {
  public static final Usage NONE = new Usage(Duration.ZERO, Duration.ZERO, 0, 0);
}
