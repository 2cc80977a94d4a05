package org.weverywhere.traffic;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Counts every byte received and sent for each Signature Group and for the host, over UDP and
 * HTTP alike, and says whether a request may proceed: each group has a token bucket for its rate
 * (one second of burst) and a byte budget per period, and so has the host as a whole.
 *
 * <p>A request is admitted ({@link #admit}) on the bytes it arrived with; what it then sends is
 * charged after the fact ({@link #charge}) and may overdraw the bucket, which only delays the
 * group's next request: the reply is never cut short.
 */
public final class TrafficLedger {
  /** Which limit refused a request. */
  public enum Limit {
    GROUP_RATE, GROUP_PERIOD, HOST_RATE, HOST_PERIOD
  }

  /** The answer to an admission: allowed, or refused naming the limit. */
  public sealed interface Verdict {}

  public record Allowed() implements Verdict {}

  public record Refused(Limit limit, String reason) implements Verdict {}

  private static final String HOST = "";

  private Function<String, TrafficQuota> quotas;
  private TrafficQuota hostQuota;
  private long periodNanos;
  private final LongSupplier clock;
  private final Map<String, Account> accounts = new HashMap<>();

  /**
   * @param quotas the quota of each group (UNLIMITED where a group sets none)
   * @param period the length of the budget period, e.g. one day
   * @param clock nanoseconds from a fixed origin, e.g. {@code System::nanoTime}
   */
  public TrafficLedger(Function<String, TrafficQuota> quotas, TrafficQuota hostQuota, Duration period,
      LongSupplier clock) {
    this.quotas = quotas;
    this.hostQuota = hostQuota;
    this.periodNanos = period.toNanos();
    this.clock = clock;
  }

  /**
   * New quotas from now on. Each account keeps what it used this period (a tightened budget may
   * already be spent); its rate bucket starts again, full, at the new rate.
   */
  public synchronized void update(Function<String, TrafficQuota> quotas, TrafficQuota hostQuota, Duration period) {
    this.quotas = quotas;
    this.hostQuota = hostQuota;
    this.periodNanos = period.toNanos();
    long now = clock.getAsLong();
    accounts.replaceAll((name, old) -> old.under(name.equals(HOST) ? hostQuota : quotas.apply(name), now));
  }

  /** Admits a request of {@code bytesIn} for {@code group}, charging them if allowed. */
  public synchronized Verdict admit(String group, long bytesIn) {
    long now = clock.getAsLong();
    Account host = hostAccount(now);
    Account account = account(group, now);
    Refused refused = account.check(bytesIn, now, Limit.GROUP_RATE, Limit.GROUP_PERIOD, "group " + group);
    if (refused == null) {
      refused = host.check(bytesIn, now, Limit.HOST_RATE, Limit.HOST_PERIOD, "host");
    }
    if (refused != null) {
      return refused;
    }
    account.take(bytesIn, now);
    host.take(bytesIn, now);
    return new Allowed();
  }

  /** Charges traffic already under way (a reply, a fetched module) to the group and the host. */
  public synchronized void charge(String group, long bytes) {
    long now = clock.getAsLong();
    account(group, now).take(bytes, now);
    hostAccount(now).take(bytes, now);
  }

  /** Bytes the host as a whole has used in the current period. */
  public synchronized long hostUsedThisPeriod() {
    long now = clock.getAsLong();
    return hostAccount(now).periodUsed;
  }

  /** Bytes the group has used in the current period. */
  public synchronized long usedThisPeriod(String group) {
    long now = clock.getAsLong();
    return account(group, now).periodUsed;
  }

  private Account account(String group, long now) {
    // the group's quota is looked up once, when its account opens: not on every request
    return rolled(accounts.computeIfAbsent(group, g -> new Account(quotas.apply(g), now)), now);
  }

  private Account hostAccount(long now) {
    return rolled(accounts.computeIfAbsent(HOST, h -> new Account(hostQuota, now)), now);
  }

  private Account rolled(Account account, long now) {
    account.roll(now, periodNanos);
    return account;
  }

  /** One group's (or the host's) bucket and period counter. */
  private static final class Account {
    final TrafficQuota quota;
    final TokenBucket bucket;
    long periodStart;
    long periodUsed;

    Account(TrafficQuota quota, long now) {
      this.quota = quota;
      this.bucket = quota.limitsRate() ? new TokenBucket(quota.bytesPerSecond(), quota.bytesPerSecond(), now) : null;
      this.periodStart = now;
    }

    /** This account's period use under another quota. */
    Account under(TrafficQuota next, long now) {
      Account account = new Account(next, now);
      account.periodStart = periodStart;
      account.periodUsed = periodUsed;
      return account;
    }

    void roll(long now, long periodNanos) {
      if (now - periodStart >= periodNanos) {
        periodStart = now;
        periodUsed = 0;
      }
    }

    Refused check(long bytes, long now, Limit rate, Limit period, String who) {
      if (quota.limitsPeriod() && periodUsed + bytes > quota.periodBytes()) {
        return new Refused(period, who + " has used " + periodUsed + " of its " + quota.periodBytes()
            + " bytes for this period");
      }
      if (bucket != null && bucket.available(now) < bytes) {
        return new Refused(rate, who + " is over its rate of " + quota.bytesPerSecond() + " bytes/s");
      }
      return null;
    }

    void take(long bytes, long now) {
      periodUsed += bytes;
      if (bucket != null) {
        bucket.take(bytes, now);
      }
    }
  }
}
