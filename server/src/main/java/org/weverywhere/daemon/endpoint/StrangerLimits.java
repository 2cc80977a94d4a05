package org.weverywhere.daemon.endpoint;

import java.util.function.Predicate;
import org.weverywhere.traffic.SourceByteRate;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.trust.Fingerprint;

/**
 * What keys in no Signature Group may make the daemon do per source address, on top of the limits
 * every sender meets: anyone can make such a key, so these are counted by address. A key of a group
 * is never counted here, so a trusted request never waits behind a stranger's.
 *
 * @param isMember whether a key (claimed, before its signature is checked, or verified) is in a
 *     Signature Group
 * @param largeBodies bytes of large unverified HTTP bodies naming a stranger's key ({@code
 *     http.unverified.stranger-rate})
 * @param describes {@code describe} requests from strangers answered, UDP and HTTP together ({@code
 *     network.describe-rate})
 */
record StrangerLimits(
    Predicate<Fingerprint> isMember, SourceByteRate largeBodies, SourceLimiter describes) {

  /** No limits beyond the common ones, every key a stranger: for parts tested on their own. */
  static StrangerLimits none() {
    return new StrangerLimits(
        key -> false,
        new SourceByteRate(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, 1, System::nanoTime),
        new SourceLimiter(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, 1, System::nanoTime));
  }
}
