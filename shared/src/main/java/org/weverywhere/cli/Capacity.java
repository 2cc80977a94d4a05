package org.weverywhere.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.weverywhere.WeverywhereException;
import org.weverywhere.net.FreeCapacity;

/**
 * A daemon's free capacity for the requester's group, as its describe "capacity" says
 * (PROTOCOL.md): free execution slots, unreserved memory, and the load average when the requester
 * may observe. -1 means the daemon did not say (an older daemon, or one that did not answer).
 */
record Capacity(DiscoveredPeer peer, long slotsFree, long memoryFreeBytes, long loadMilli) {
  /** Most free slots first, then most free memory, then least load; what is unknown goes last. */
  static final Comparator<Capacity> BEST_FIRST =
      Comparator.comparing(Capacity::free, FreeCapacity.BEST_FIRST)
          .thenComparing(c -> c.peer().name());

  static Capacity of(DiscoveredPeer peer, Map<String, Long> host) {
    FreeCapacity free = FreeCapacity.of(host);
    return new Capacity(peer, free.slotsFree(), free.memoryFreeBytes(), free.loadMilli());
  }

  /** The figures alone, ordered as every client orders them ({@link FreeCapacity#BEST_FIRST}). */
  FreeCapacity free() {
    return new FreeCapacity(slotsFree, memoryFreeBytes, loadMilli);
  }

  /** Asks every daemon at once and orders them best first; one that does not answer goes last. */
  static List<Capacity> rank(List<DiscoveredPeer> peers, ClientOptions client) {
    List<Capacity> known = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Capacity>> asked =
          peers.stream().map(p -> threads.submit(() -> ask(p, client))).toList();
      for (Future<Capacity> answer : asked) {
        known.add(answer.get());
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new CommandException(
          org.weverywhere.ErrorCode.PROTOCOL_NO_ANSWER, "interrupted while asking capacities");
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(
          "ask() reports every failure as an unknown capacity", impossible);
    }
    known.sort(BEST_FIRST);
    return known;
  }

  private static Capacity ask(DiscoveredPeer peer, ClientOptions client) {
    try {
      return of(peer, peer.describe(client, List.of("capacity")).host());
    } catch (WeverywhereException silent) {
      client.say(peer.label() + " did not say its capacity: " + silent.getMessage());
      return new Capacity(peer, -1, -1, -1);
    }
  }
}
