package org.weverywhere.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import org.weverywhere.trust.Fingerprint;

/**
 * Where a receiver remembers the ids of the signed messages it accepted: one {@link ReplayCache}
 * for the keys it trusts (a daemon's Signature Groups) and one for every other key, or a single one
 * for all.
 *
 * <p>Anyone can make a key, and a full period of a cache refuses every later message stamped in it
 * ({@link ProtocolException.Reason#BUSY}): with one cache, a single anonymous key sending signed
 * messages at the per-source rate filled it and had a trusted key's requests refused for seconds at
 * a time (AttackBenchmark, 2026-12-03). Each id is recorded in its signer's cache and looked for in
 * the other as well, so a key that joins or leaves a group between two copies of a message cannot
 * have it accepted twice.
 */
public final class ReplayCaches {
  private final ReplayCache trusted;
  private final ReplayCache others;
  private final Predicate<Fingerprint> isTrusted;

  /**
   * @param isTrusted whether a verified signer's ids go to {@code trusted}
   */
  public ReplayCaches(ReplayCache trusted, ReplayCache others, Predicate<Fingerprint> isTrusted) {
    this.trusted = Objects.requireNonNull(trusted);
    this.others = Objects.requireNonNull(others);
    this.isTrusted = Objects.requireNonNull(isTrusted);
  }

  /** One cache for every signer: a client's, or a receiver that trusts no key more. */
  public static ReplayCaches single(ReplayCache all) {
    return new ReplayCaches(all, all, signer -> false);
  }

  /**
   * Records {@code id} of a message verified as signed by {@code signer}, as {@link
   * ReplayCache#record} does.
   */
  public void record(Fingerprint signer, MessageId id, Instant timestamp) {
    ReplayCache own = isTrusted.test(signer) ? trusted : others;
    ReplayCache other = own == trusted ? others : trusted;
    if (other != own && other.contains(id, timestamp)) {
      throw new ProtocolException(
          ProtocolException.Reason.REPLAYED, "message " + id + " was seen before");
    }
    own.record(id, timestamp);
  }

  /** The span both caches cover. */
  public Duration window() {
    Duration a = trusted.window();
    Duration b = others.window();
    return a.compareTo(b) <= 0 ? a : b;
  }
}
