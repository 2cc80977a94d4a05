package org.weverywhere.daemon.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.protocol.ReplayHorizon;

/**
 * The daemon's replay horizon (issue 13: after a restart the same bytes were accepted again): a
 * timestamp kept in a file of the state directory that is, at every moment, at least the timestamp
 * of every message this daemon has accepted. It is moved forward, and written durably, before a
 * message stamped beyond it is accepted, in steps of {@link #LEASE} so that a steady stream of
 * requests costs one small synced write per lease, not one per message. While messages arrive it is
 * renewed ahead of time, off the request path, once less than half a lease is left: a message
 * stamped within the horizon never waits for a synced write, and only a message stamped beyond it
 * (a sender's clock ahead of ours, or a horizon the renewals could not keep ahead) does. Otherwise,
 * once a lease, whichever request came first waited for the write (two fsyncs and a rename, tens of
 * milliseconds on a busy disk) and every request that came meanwhile waited behind it, a trusted
 * key's behind a flood's (docs/PERFORMANCE.md, "Under attack").
 *
 * <p>At start the horizon the last run left is the floor: a message stamped at or before it may
 * have been accepted by that run, whose replay cache is gone, so it is refused with {@code WE5040}
 * (sign it afresh; clients do for each retry). Messages stamped after it cannot have been seen.
 * With no file (a first start) the floor is the start instant: nothing signed before this process
 * existed is accepted. An unreadable file is taken as the worst case it could hide: the start
 * instant plus the accepted clock window.
 */
public final class PersistedReplayHorizon implements ReplayHorizon {
  private static final Logger LOG = Logger.getLogger(PersistedReplayHorizon.class.getName());

  /**
   * How far past what it needs the horizon moves: a steady stream costs one synced write per lease,
   * and a restart waits at most about this long before it accepts fresh messages.
   */
  static final Duration LEASE = Duration.ofSeconds(1);

  /** A renewal starts when less than this is left, and moves the horizon to a lease beyond it. */
  static final Duration RENEW_AHEAD = LEASE.dividedBy(2);

  /** How the horizon reaches the disk: durably; a test may slow it down. */
  @FunctionalInterface
  interface Store {
    void write(Path file, Instant value) throws IOException;
  }

  private final Path file;
  private final Clock clock;
  private final Instant floor;
  private final Store store;
  private final Object writing = new Object();
  private final java.util.concurrent.atomic.AtomicBoolean renewing =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean renewalFailed;
  private volatile Instant horizon;

  private PersistedReplayHorizon(Path file, Clock clock, Instant floor, Store store) {
    this.file = file;
    this.clock = clock;
    this.floor = floor;
    this.horizon = floor;
    this.store = store;
  }

  /**
   * The horizon kept in {@code file}: what the last run left becomes the floor of this one.
   *
   * @param window the accepted clock difference, each way
   */
  public static PersistedReplayHorizon open(Path file, Clock clock, Duration window) {
    return open(file, clock, window, PersistedReplayHorizon::write);
  }

  static PersistedReplayHorizon open(Path file, Clock clock, Duration window, Store store) {
    Instant start = clock.instant();
    Instant floor = start;
    if (Files.exists(file)) {
      try {
        floor =
            max(
                start,
                Instant.ofEpochMilli(
                    Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip())));
      } catch (IOException | NumberFormatException | java.time.DateTimeException unreadable) {
        floor = start.plus(window);
        LOG.warning(
            () ->
                file
                    + " cannot be read ("
                    + unreadable
                    + "): refusing messages stamped up to "
                    + window
                    + " after the start, which the last run may have accepted");
      }
    }
    var opened = new PersistedReplayHorizon(file, clock, floor, store);
    try {
      store.write(
          file, floor); // a start, even one that accepts nothing, leaves its floor for the next
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the replay horizon " + file + ": " + e.getMessage(), e);
    }
    return opened;
  }

  /**
   * Waits (at most {@code max}) until this host's clock has passed the floor, so that from then on
   * a message signed now by a client with a correct clock is not refused. Called once at start,
   * before the daemon answers; normally the restart itself took longer than the lease.
   */
  public void awaitFloor(Duration max) throws InterruptedException {
    Duration left = Duration.between(clock.instant(), floor);
    if (left.isNegative() || left.isZero()) {
      return;
    }
    Duration wait = left.compareTo(max) < 0 ? left : max;
    if (wait.compareTo(LEASE) > 0) {
      LOG.info(
          () ->
              "waiting "
                  + wait.toMillis()
                  + " ms before answering: the last run accepted messages stamped up to "
                  + floor);
    }
    Thread.sleep(wait.toMillis() + 1);
  }

  /** Messages stamped at or before this are refused: the earlier run may have accepted them. */
  public Instant floor() {
    return floor;
  }

  @Override
  public void admit(Instant timestamp) {
    if (!timestamp.isAfter(floor)) {
      throw new ProtocolException(
          Reason.SIGNED_BEFORE_START,
          "message stamped "
              + timestamp
              + " may have been"
              + " accepted before this daemon restarted (it refuses what was stamped up to "
              + floor
              + "): sign it afresh");
    }
    if (!timestamp.isAfter(horizon)) {
      renewIfDue();
      return;
    }
    synchronized (writing) {
      if (timestamp.isAfter(horizon)) {
        Instant next = max(timestamp, clock.instant()).plus(LEASE);
        try {
          store.write(file, next);
        } catch (IOException e) {
          // accepting without the horizon on disk could accept the message again after a restart
          throw new ProtocolException(
              Reason.BUSY,
              "the replay horizon "
                  + file
                  + " cannot be written ("
                  + e.getMessage()
                  + "); nothing is accepted until it can",
              e);
        }
        horizon = next;
      }
    }
  }

  /**
   * Starts a renewal in the background when less than {@link #RENEW_AHEAD} of the horizon is left
   * (one at a time): the request that noticed goes on at once.
   */
  private void renewIfDue() {
    if (Duration.between(clock.instant(), horizon).compareTo(RENEW_AHEAD) >= 0
        || !renewing.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual().name("replay-horizon-renewal").start(this::renew);
  }

  private void renew() {
    try {
      synchronized (writing) {
        Instant next = clock.instant().plus(LEASE).plus(RENEW_AHEAD);
        if (next.isAfter(horizon)) {
          store.write(file, next);
          horizon = next;
        }
      }
      renewalFailed = false;
    } catch (IOException e) {
      // nothing is lost: a message beyond the horizon still writes it first, or is refused
      if (!renewalFailed) {
        renewalFailed = true;
        LOG.warning(() -> "the replay horizon " + file + " cannot be renewed ahead: " + e);
      }
    } finally {
      renewing.set(false);
    }
  }

  /**
   * Replaces the file whole and durably: a temporary file synced, renamed over it, the directory
   * synced.
   */
  static void write(Path file, Instant value) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(
          ByteBuffer.wrap((value.toEpochMilli() + "\n").getBytes(StandardCharsets.US_ASCII)));
      channel.force(true);
    }
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      directory.force(true);
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
