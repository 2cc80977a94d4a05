package org.weverywhere.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bad link on loopback, for tests: a UDP relay between one client and one daemon that drops,
 * duplicates and delays (so reorders) datagrams in each direction with the probabilities given,
 * from a seeded random source. The client sends to {@link #address()}; the relay forwards to the
 * target from a socket of its own and passes replies back to the last client heard. Bounded: it
 * forwards at most {@link #MAX_DATAGRAMS} datagrams and holds at most {@link #MAX_DELAYED} delayed
 * ones.
 */
public final class LossyRelay implements AutoCloseable {
  static final int MAX_DATAGRAMS = 1_000_000;
  static final int MAX_DELAYED = 10_000;

  /**
   * What happens to datagrams going one way.
   *
   * @param drop probability a datagram is lost
   * @param duplicate probability it is sent twice
   * @param delay probability it is held back {@code delayMillis}, so later ones overtake it
   * @param dropFirst the first this many datagrams are lost whatever the probabilities
   */
  public record Faults(
      double drop, double duplicate, double delay, int delayMillis, int dropFirst) {
    public static final Faults NONE = new Faults(0, 0, 0, 0, 0);

    public static Faults loss(double drop) {
      return new Faults(drop, 0, 0, 0, 0);
    }
  }

  private final DatagramChannel down;
  private final DatagramChannel up;
  private final InetSocketAddress target;
  private final Faults toDaemon;
  private final Faults toClient;
  private final SplittableRandom random;
  private final ScheduledExecutorService delayer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("lossy-relay-delay").factory());
  private final AtomicReference<SocketAddress> client = new AtomicReference<>();
  private final AtomicInteger delayed = new AtomicInteger();
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicInteger seenToDaemon = new AtomicInteger();
  private final AtomicInteger seenToClient = new AtomicInteger();
  private final Thread clientSide;
  private final Thread daemonSide;

  public LossyRelay(InetSocketAddress target, Faults toDaemon, Faults toClient, long seed)
      throws IOException {
    this.target = target;
    this.toDaemon = toDaemon;
    this.toClient = toClient;
    this.random = new SplittableRandom(seed);
    this.down =
        DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    // towards the daemon from any address: the target may be in a network namespace, not on
    // loopback
    this.up = DatagramChannel.open().bind(new InetSocketAddress(0));
    this.clientSide =
        Thread.ofPlatform().daemon().name("lossy-relay-up").start(() -> pump(down, true));
    this.daemonSide =
        Thread.ofPlatform().daemon().name("lossy-relay-down").start(() -> pump(up, false));
  }

  /** Where the client sends instead of the daemon. */
  public InetSocketAddress address() throws IOException {
    return (InetSocketAddress) down.getLocalAddress();
  }

  public long forwarded() {
    return forwarded.get();
  }

  public long dropped() {
    return dropped.get();
  }

  private void pump(DatagramChannel from, boolean towardsDaemon) {
    ByteBuffer buffer = ByteBuffer.allocate(65_536);
    try {
      while (forwarded.get() < MAX_DATAGRAMS) {
        buffer.clear();
        SocketAddress sender = from.receive(buffer);
        if (towardsDaemon) {
          client.set(sender);
        }
        byte[] datagram = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        Faults faults = towardsDaemon ? toDaemon : toClient;
        int seen = (towardsDaemon ? seenToDaemon : seenToClient).incrementAndGet();
        double dropDraw;
        double dupDraw;
        double delayDraw;
        synchronized (random) {
          dropDraw = random.nextDouble();
          dupDraw = random.nextDouble();
          delayDraw = random.nextDouble();
        }
        if (seen <= faults.dropFirst() || dropDraw < faults.drop()) {
          dropped.incrementAndGet();
          continue;
        }
        int copies = dupDraw < faults.duplicate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
          if (delayDraw < faults.delay() && delayed.incrementAndGet() <= MAX_DELAYED) {
            delayer.schedule(
                () -> {
                  delayed.decrementAndGet();
                  send(datagram, towardsDaemon);
                },
                faults.delayMillis(),
                TimeUnit.MILLISECONDS);
          } else {
            if (delayDraw < faults.delay()) {
              delayed.decrementAndGet();
            }
            send(datagram, towardsDaemon);
          }
        }
      }
    } catch (ClosedChannelException closed) {
      // close() ends the pump
    } catch (IOException failed) {
      throw new java.io.UncheckedIOException("lossy relay stopped", failed);
    }
  }

  private void send(byte[] datagram, boolean towardsDaemon) {
    try {
      if (towardsDaemon) {
        up.send(ByteBuffer.wrap(datagram), target);
      } else if (client.get() != null) {
        down.send(ByteBuffer.wrap(datagram), client.get());
      }
      forwarded.incrementAndGet();
    } catch (IOException closedOrFull) {
      dropped.incrementAndGet(); // a relay closing mid-send loses the datagram, as a link would
    }
  }

  @Override
  public void close() throws IOException {
    delayer.shutdownNow();
    down.close();
    up.close();
    try {
      clientSide.join(2_000);
      daemonSide.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
