package org.weverywhere.net;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a daemon waits before answering a {@code discover}: a delay drawn uniformly from {@code
 * [0, min(max, perPeer × known)]}, where {@code known} is the number of other daemons it has heard
 * announce themselves recently. On a large LAN every daemon hears the same discover at the same
 * moment; without a spread their answers arrive in one burst that overflows the client's socket
 * buffer (and switch and Wi-Fi queues), and answers are lost. With it, the answers arrive at about
 * {@code 1 / perPeer} per second whatever the LAN's size, until the window reaches {@code max}. A
 * daemon that knows no other answers at once, so a lone daemon costs no latency.
 *
 * <p>A client must listen for at least {@link #max()} plus a round trip: {@link #CLIENT_WINDOW} is
 * the default collection window of {@code weverywhere peers}.
 */
public record AnswerSpread(Duration perPeer, Duration max) {
  /** 2 ms per known peer, at most 1 s: 500 answers per second reach a client, about 250 KB/s. */
  public static final AnswerSpread DEFAULT =
      new AnswerSpread(Duration.ofMillis(2), Duration.ofSeconds(1));

  /** Answer at once, whatever the LAN: the reference the scale benchmark compares with. */
  public static final AnswerSpread NONE = new AnswerSpread(Duration.ZERO, Duration.ZERO);

  /** The default time a client collects answers: the longest spread plus 2 s for the round trip. */
  public static final Duration CLIENT_WINDOW = DEFAULT.max().plusSeconds(2);

  public AnswerSpread {
    Objects.requireNonNull(perPeer, "perPeer");
    Objects.requireNonNull(max, "max");
    if (perPeer.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException(
          "an answer spread cannot be negative: " + perPeer + ", " + max);
    }
  }

  /** The end of the window the delay is drawn from, for {@code knownPeers} other daemons heard. */
  public Duration window(int knownPeers) {
    if (knownPeers <= 0 || perPeer.isZero()) {
      return Duration.ZERO;
    }
    // multiplied in nanoseconds, saturating: a hostile LAN cannot overflow it past max
    long nanos = perPeer.toNanos();
    long scaled = knownPeers > Long.MAX_VALUE / nanos ? Long.MAX_VALUE : nanos * knownPeers;
    return Duration.ofNanos(Math.min(scaled, max.toNanos()));
  }

  /** One delay, uniform in {@code [0, window(knownPeers)]}. */
  public Duration delay(int knownPeers, RandomGenerator random) {
    long window = window(knownPeers).toNanos();
    return window == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(window + 1));
  }
}
