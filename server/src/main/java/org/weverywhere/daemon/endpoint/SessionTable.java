package org.weverywhere.daemon.endpoint;

import java.net.InetAddress;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.Session;
import org.weverywhere.protocol.SessionKeys;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.traffic.SourceLimiter;

/**
 * The sessions this daemon holds (docs/PROTOCOL.md §5a), in memory only, so that none outlives a
 * restart. Bounded in entries (so in memory: each holds two keys, two IVs and a 136-byte window),
 * per source address and per Signature Group, and in time: a session is forgotten at its expiry. A
 * new session over a bound displaces the least recently used one of the same source, else of the
 * same group, else of the group holding the most, so a flood of handshakes only displaces its own
 * sessions or the largest holder's. Handshakes are rate limited per source on top of the limit of
 * every datagram.
 */
public final class SessionTable implements Verifier.Sessions {
  /** How long a session lives unless the configuration says otherwise. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /** Sessions one source address may hold (all local clients share 127.0.0.1). */
  static final int PER_SOURCE = 256;

  /** Handshakes accepted per second and source address; offers beyond get no session. */
  static final int HANDSHAKES_PER_SECOND = 64;

  private record Entry(Session session, InetAddress source, String group, long[] lastUsed) {}

  /** A session just opened, and the node's ephemeral X25519 public key its welcome carries. */
  public record Opened(Session session, byte[] x25519) {}

  private final int entries;
  private final int perGroup;
  private final int perSource;
  private final Duration ttl;
  private final Clock clock;
  private final LongSupplier nanos;
  private final Map<Long, Entry> sessions = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> bySource = new HashMap<>();
  private final Map<String, Integer> byGroup = new HashMap<>();
  private final SourceLimiter handshakes;
  private final SecureRandom random = new SecureRandom();
  private long displaced;

  /**
   * @param entries sessions held at most ({@code protocol.session.entries}); a group may hold a
   *     quarter of them, a source address {@link #PER_SOURCE}
   */
  public SessionTable(int entries, Duration ttl, Clock clock, LongSupplier nanos) {
    if (entries < 1) {
      throw new IllegalArgumentException("at least one session");
    }
    this.entries = entries;
    this.perGroup = Math.max(1, entries / 4);
    this.perSource = Math.min(PER_SOURCE, entries);
    this.ttl = ttl;
    this.clock = clock;
    this.nanos = nanos;
    this.handshakes =
        new SourceLimiter(HANDSHAKES_PER_SECOND, 2L * HANDSHAKES_PER_SECOND, 65_536, nanos);
  }

  /** How long sessions live: the {@code ttl} announced. */
  public Duration ttl() {
    return ttl;
  }

  @Override
  public Session find(byte[] id) {
    if (id.length != SessionKeys.ID_BYTES) {
      return null;
    }
    Entry entry = sessions.get(key(id));
    if (entry == null) {
      return null;
    }
    entry.lastUsed()[0] = nanos.getAsLong(); // a racy write of a recency hint is harmless
    return entry.session();
  }

  /**
   * The session of {@code id} without marking it used: an unverified datagram naming it must not
   * keep it from being displaced.
   */
  Session peek(byte[] id) {
    Entry entry = id.length == SessionKeys.ID_BYTES ? sessions.get(key(id)) : null;
    return entry == null ? null : entry.session();
  }

  /**
   * A new session for the verified {@code discover} (which offers one), or empty when its source
   * has made too many handshakes this second or the X25519 key it offered is unusable.
   *
   * @param wire the discover exactly as received: the key schedule's salt
   * @param group the Signature Group the discover's signer is charged to
   */
  public Optional<Opened> open(
      SignedMessage discover, byte[] wire, InetAddress source, String group, PublicKey hostKey) {
    if (!handshakes.allow(source)) {
      return Optional.empty();
    }
    KeyPair ephemeral = SessionKeys.ephemeral();
    Session session;
    synchronized (this) {
      byte[] id = new byte[SessionKeys.ID_BYTES];
      do {
        random.nextBytes(id);
      } while (sessions.containsKey(key(id)));
      try {
        session = Session.accept(discover, wire, ephemeral, id, hostKey, clock.instant().plus(ttl));
      } catch (ProtocolException unusableKey) {
        return Optional.empty();
      }
      makeRoom(source, group);
      sessions.put(key(id), new Entry(session, source, group, new long[] {nanos.getAsLong()}));
      bySource.merge(source, 1, Integer::sum);
      byGroup.merge(group, 1, Integer::sum);
    }
    return Optional.of(new Opened(session, SessionKeys.raw(ephemeral.getPublic())));
  }

  /**
   * Displaces one session when the new one of {@code source} and {@code group} would break a bound.
   */
  private void makeRoom(InetAddress source, String group) {
    if (bySource.getOrDefault(source, 0) >= perSource) {
      removeLeastRecent(e -> e.source().equals(source));
    } else if (byGroup.getOrDefault(group, 0) >= perGroup) {
      removeLeastRecent(e -> e.group().equals(group));
    } else if (sessions.size() >= entries) {
      String largest =
          byGroup.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      removeLeastRecent(e -> e.group().equals(largest));
    }
  }

  private void removeLeastRecent(java.util.function.Predicate<Entry> of) {
    Map.Entry<Long, Entry> oldest = null;
    for (var e : sessions.entrySet()) {
      if (of.test(e.getValue())
          && (oldest == null || e.getValue().lastUsed()[0] - oldest.getValue().lastUsed()[0] < 0)) {
        oldest = e;
      }
    }
    if (oldest != null) {
      remove(oldest.getKey());
      displaced++;
    }
  }

  private void remove(long key) {
    Entry gone = sessions.remove(key);
    if (gone != null) {
      bySource.computeIfPresent(gone.source(), (s, n) -> n > 1 ? n - 1 : null);
      byGroup.computeIfPresent(gone.group(), (g, n) -> n > 1 ? n - 1 : null);
    }
  }

  /** Forgets every session past its expiry; the daemon calls it once a second. */
  public synchronized int sweep() {
    var now = clock.instant();
    int removed = 0;
    for (var e : sessions.entrySet()) {
      if (e.getValue().session().expired(now)) {
        remove(e.getKey());
        removed++;
      }
    }
    return removed;
  }

  /** Sessions held now. */
  public int size() {
    return sessions.size();
  }

  /** Sessions held now by {@code group}. */
  public synchronized int held(String group) {
    return byGroup.getOrDefault(group, 0);
  }

  /** Sessions held now from {@code source}. */
  public synchronized int heldFrom(InetAddress source) {
    return bySource.getOrDefault(source, 0);
  }

  /** Sessions displaced by newer ones since start. */
  public synchronized long displaced() {
    return displaced;
  }

  /** Forgets every session: the daemon stops. */
  public synchronized void clear() {
    sessions.clear();
    bySource.clear();
    byGroup.clear();
  }

  private static long key(byte[] id) {
    long k = 0;
    for (byte b : id) {
      k = (k << 8) | (b & 0xff);
    }
    return k;
  }
}
