package org.weverywhere.protocol;

import java.time.Instant;

/**
 * What a receiver remembers across its restarts so that no message is ever accepted twice: the
 * {@link ReplayCache} lives in memory and starts empty, so a message accepted by an earlier run
 * must be refused by its timestamp instead (docs/PROTOCOL.md §5, "Replays across restarts").
 */
public interface ReplayHorizon {
  /**
   * For receivers that keep nothing across runs (clients: a replayed reply finds no request
   * waiting).
   */
  ReplayHorizon NONE = timestamp -> {};

  /**
   * Called for each message that passed every other check, before its id is remembered: throws
   * {@code SIGNED_BEFORE_START} when an earlier run could have accepted a message stamped {@code
   * timestamp}; otherwise makes sure (durably, before returning) that a later run will refuse it.
   */
  void admit(Instant timestamp);
}
