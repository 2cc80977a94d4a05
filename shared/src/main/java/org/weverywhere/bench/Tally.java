package org.weverywhere.bench;

import java.util.Map;
import java.util.TreeMap;
import org.weverywhere.ErrorCode;

/**
 * What one load thread saw of the measured requests: answers, their latencies, refusals by the
 * daemon's code, and failures by ours. Kept per thread (no sharing on the hot path); {@link #add}
 * merges them at the end.
 */
public final class Tally {
  private final LatencyHistogram latency = new LatencyHistogram();
  private final Map<String, Long> refused = new TreeMap<>();
  private final Map<String, Long> errors = new TreeMap<>();

  /** The first message seen for each failure code: what a user needs to act on it. */
  private final Map<String, String> firstError = new TreeMap<>();

  private long sent;
  private long ok;
  private long late;
  private long lastAnswerNanos = Long.MIN_VALUE;

  void countSent() {
    sent++;
  }

  void ok(long latencyNanos, long now) {
    ok++;
    latency.record(latencyNanos);
    answered(now);
  }

  /** The daemon answered with an {@code error} reply carrying {@code code}. */
  void refused(String code, long now) {
    refused.merge(code, 1L, Long::sum);
    answered(now);
  }

  void failed(ErrorCode code, long now) {
    errors.merge(code.code(), 1L, Long::sum);
    answered(now);
  }

  /** As {@link #failed(ErrorCode, long)}, keeping {@code message} if it is the code's first. */
  void failed(ErrorCode code, long now, String message) {
    failed(code, now);
    if (firstError.size() < 64) {
      firstError.putIfAbsent(code.code(), message);
    }
  }

  /** A verified reply to a request that had already timed out. */
  void countLate() {
    late++;
  }

  private void answered(long now) {
    lastAnswerNanos = Math.max(lastAnswerNanos, now);
  }

  /** Adds another thread's tally to this one. */
  public void add(Tally other) {
    latency.add(other.latency);
    other.refused.forEach((k, v) -> refused.merge(k, v, Long::sum));
    other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    other.firstError.forEach(firstError::putIfAbsent);
    sent += other.sent;
    ok += other.ok;
    late += other.late;
    lastAnswerNanos = Math.max(lastAnswerNanos, other.lastAnswerNanos);
  }

  public LatencyHistogram latency() {
    return latency;
  }

  public Map<String, Long> refused() {
    return Map.copyOf(refused);
  }

  public Map<String, Long> errors() {
    return Map.copyOf(errors);
  }

  /** The first message of each failure code that came with one. */
  public Map<String, String> firstErrors() {
    return Map.copyOf(firstError);
  }

  public long sent() {
    return sent;
  }

  public long ok() {
    return ok;
  }

  public long late() {
    return late;
  }

  /** {@link System#nanoTime()} of the last measured answer or failure; MIN_VALUE if none. */
  public long lastAnswerNanos() {
    return lastAnswerNanos;
  }
}
