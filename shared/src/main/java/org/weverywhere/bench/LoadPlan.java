package org.weverywhere.bench;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A load run: the daemons, the transport, requests in flight, threads, warm-up, then a duration or
 * (when {@code requests} &gt; 0) a number of measured requests, and how long one request may take.
 */
public record LoadPlan(
    List<Target> targets,
    Mix mix,
    Transport transport,
    int concurrency,
    int threads,
    Duration warmup,
    Duration duration,
    long requests,
    Duration timeout) {
  /** How requests travel. */
  public enum Transport {
    UDP,
    HTTP;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public LoadPlan {
    targets = List.copyOf(targets);
    Objects.requireNonNull(mix);
    Objects.requireNonNull(transport);
    Objects.requireNonNull(warmup);
    Objects.requireNonNull(duration);
    Objects.requireNonNull(timeout);
    if (targets.isEmpty() || concurrency < 1 || threads < 1 || threads > concurrency) {
      throw new IllegalArgumentException("a plan needs targets, 1 <= threads <= concurrency");
    }
  }
}
