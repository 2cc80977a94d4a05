package org.weverywhere.traffic;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Counts every byte received and sent for each Signature Group and for the host, over UDP and HTTP
 * alike, and says whether a request may proceed: each group has a token bucket for its rate (one
 * second of burst) and a byte budget per period, and so has the host as a whole.
 *
 * <p>A request is admitted ({@link #admit}) on the bytes it arrived with, plus the bytes of its
 * reply where they are known (a fetched module): those are reserved in the period budgets then, and
 * the reply is sent {@linkplain #pace paced} by the rate buckets. What else a request sends is
 * charged after the fact ({@link #charge}) and may overdraw the bucket, which only delays the
 * group's next request: the reply is never cut short.
 *
 * <p>The host's rate is shared fairly: while k groups are active (traffic in the last second), each
 * may use at most a k-th of it (its own share bucket), so one group cannot spend the others' part
 * of the host's traffic, while a group alone may use all of it.
 */
public final class TrafficLedger {
  /** Which limit refused a request. */
  public enum Limit {
    GROUP_RATE,
    GROUP_PERIOD,
    HOST_RATE,
    HOST_PERIOD
  }

  /** The answer to an admission: allowed, or refused naming the limit. */
  public sealed interface Verdict {}

  public record Allowed() implements Verdict {}

  public record Refused(Limit limit, String reason) implements Verdict {}

  private static final String HOST = "";

  /** A group that moved bytes this recently counts as active for the host's fair share. */
  private static final long ACTIVE_NANOS = 1_000_000_000L;

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
  public TrafficLedger(
      Function<String, TrafficQuota> quotas,
      TrafficQuota hostQuota,
      Duration period,
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
  public synchronized void update(
      Function<String, TrafficQuota> quotas, TrafficQuota hostQuota, Duration period) {
    this.quotas = quotas;
    this.hostQuota = hostQuota;
    this.periodNanos = period.toNanos();
    long now = clock.getAsLong();
    accounts.replaceAll(
        (name, old) -> old.under(name.equals(HOST) ? hostQuota : quotas.apply(name), now));
  }

  /** Admits a request of {@code bytesIn} for {@code group}, charging them if allowed. */
  public synchronized Verdict admit(String group, long bytesIn) {
    return admit(group, bytesIn, 0);
  }

  /**
   * Admits a request of {@code bytesIn} whose reply will take {@code bytesOut}: the request's bytes
   * are charged, the reply's reserved in the period budgets (it is then sent {@link #pace}d).
   */
  public synchronized Verdict admit(String group, long bytesIn, long bytesOut) {
    long now = clock.getAsLong();
    Account host = hostAccount(now);
    Account account = account(group, now);
    TokenBucket share = share(account, now);
    Refused refused =
        account.check(
            bytesIn, bytesOut, now, Limit.GROUP_RATE, Limit.GROUP_PERIOD, "group " + group);
    if (refused == null) {
      refused = host.check(bytesIn, bytesOut, now, Limit.HOST_RATE, Limit.HOST_PERIOD, "host");
    }
    if (refused == null && share != null && share.available(now) < bytesIn) {
      refused =
          new Refused(
              Limit.HOST_RATE,
              "group "
                  + group
                  + " is over its share of the host's rate ("
                  + hostQuota.bytesPerSecond()
                  + " bytes/s shared by "
                  + activeGroups(now)
                  + " active groups)");
    }
    if (refused != null) {
      return refused;
    }
    // active from now: a group counts for the fair share when it is served, not when it is refused
    account.lastActive = now;
    share = share(account, now);
    account.take(bytesIn, now);
    host.take(bytesIn, now);
    if (share != null) {
      share.take(bytesIn, now);
    }
    account.periodUsed += bytesOut;
    host.periodUsed += bytesOut;
    return new Allowed();
  }

  /**
   * Takes {@code bytes} of a reply reserved at admission from the group's, its host share's and the
   * host's rate buckets, and says how long to wait (nanoseconds) before sending them, so the reply
   * goes out at the rates and not faster, however many are sent at once.
   */
  public synchronized long pace(String group, long bytes) {
    long now = clock.getAsLong();
    Account account = account(group, now);
    Account host = hostAccount(now);
    account.lastActive = now;
    TokenBucket share = share(account, now);
    long wait = 0;
    if (account.bucket != null) {
      account.bucket.take(bytes, now);
      wait = Math.max(wait, account.bucket.debtNanos(now));
    }
    if (host.bucket != null) {
      host.bucket.take(bytes, now);
      wait = Math.max(wait, host.bucket.debtNanos(now));
    }
    if (share != null) {
      share.take(bytes, now);
      wait = Math.max(wait, share.debtNanos(now));
    }
    return wait;
  }

  /** Charges traffic already under way (a reply, a fetched module) to the group and the host. */
  public synchronized void charge(String group, long bytes) {
    long now = clock.getAsLong();
    Account account = account(group, now);
    account.lastActive = now;
    account.take(bytes, now);
    hostAccount(now).take(bytes, now);
    TokenBucket share = share(account, now);
    if (share != null) {
      share.take(bytes, now);
    }
  }

  /**
   * Charges a refused request's bytes to the group's rate alone: its group pays for a flood of
   * refusals (its next requests wait), but neither its period budget (a refusal is not work the
   * owner granted: one request too large must not use up the period) nor the host's rate, which the
   * other groups share.
   */
  public synchronized void chargeGroup(String group, long bytes) {
    long now = clock.getAsLong();
    Account account = account(group, now);
    if (account.bucket != null) {
      account.bucket.take(bytes, now);
    }
  }

  /**
   * The group's bucket of the host's rate, set to an equal part among the active groups; null when
   * the host sets no rate.
   */
  private TokenBucket share(Account account, long now) {
    if (!hostQuota.limitsRate()) {
      return null;
    }
    long rate = Math.max(1, hostQuota.bytesPerSecond() / activeGroups(now));
    if (account.share == null) {
      account.share = new TokenBucket(rate, rate, now);
    } else {
      account.share.rate(rate, rate, now);
    }
    return account.share;
  }

  private int activeGroups(long now) {
    int active = 0;
    for (var entry : accounts.entrySet()) {
      if (!entry.getKey().equals(HOST) && now - entry.getValue().lastActive < ACTIVE_NANOS) {
        active++;
      }
    }
    return Math.max(1, active);
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

    /** This group's part of the host's rate (null for the host, or while the host sets no rate). */
    TokenBucket share;

    long lastActive;

    Account(TrafficQuota quota, long now) {
      this.quota = quota;
      this.lastActive = now - ACTIVE_NANOS;
      this.bucket =
          quota.limitsRate()
              ? new TokenBucket(quota.bytesPerSecond(), quota.bytesPerSecond(), now)
              : null;
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

    Refused check(long bytes, long reply, long now, Limit rate, Limit period, String who) {
      if (quota.limitsPeriod() && periodUsed + bytes + reply > quota.periodBytes()) {
        return new Refused(
            period,
            who
                + " has used "
                + periodUsed
                + " of its "
                + quota.periodBytes()
                + " bytes for this period"
                + (reply > 0 ? "; the reply needs " + reply : ""));
      }
      if (bucket != null && bucket.available(now) < bytes) {
        return new Refused(
            rate, who + " is over its rate of " + quota.bytesPerSecond() + " bytes/s");
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
