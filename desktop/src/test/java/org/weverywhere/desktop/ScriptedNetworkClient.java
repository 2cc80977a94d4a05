package org.weverywhere.desktop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.weverywhere.desktop.client.Executed;
import org.weverywhere.desktop.client.NetworkClient;
import org.weverywhere.desktop.client.PeerListener;
import org.weverywhere.desktop.client.Sighting;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.Discovery;
import org.weverywhere.protocol.Message;

/**
 * The network seam played by a test: discover answers with the sightings a test queued, listen
 * hands the test the listener, describe and execute answer through functions the test gives
 * (execute records each request). It stands in for the network so the models can be tested without
 * sockets; the TestFX tests use the real client over loopback.
 */
public final class ScriptedNetworkClient implements NetworkClient {
  public final List<Sighting> discoverAnswers = new ArrayList<>();
  public List<String> unsent = List.of();
  public final List<Message.Execute> executed = new CopyOnWriteArrayList<>();

  /** Where each execute went, in the order sent. */
  public final List<DaemonAddress> executedAt = new CopyOnWriteArrayList<>();

  /** When set, answers execute per peer (a send to several), instead of {@link #executor}. */
  public java.util.function.BiFunction<DaemonAddress, Message.Execute, Message.Result> executorAt;

  public Function<Message.Execute, Message.Result> executor =
      request -> {
        throw new AssertionError("no execute expected");
      };
  public Function<DaemonAddress, Message.Description> describer =
      peer -> {
        throw new AssertionError("no describe expected");
      };
  public Function<DaemonAddress, org.weverywhere.net.FreeCapacity> capacities =
      peer -> {
        throw new AssertionError("no capacity expected");
      };
  public List<String> unheard = List.of();
  public PeerListener listener;
  public boolean listenerClosed;

  @Override
  public Discovery.Listening listen(PeerListener heard) {
    this.listener = heard;
    List<String> notHeard = unheard;
    return new Discovery.Listening() {
      @Override
      public void close() {
        listenerClosed = true;
      }

      @Override
      public List<String> unheard() {
        return notHeard;
      }
    };
  }

  @Override
  public List<String> discover(Duration timeout, Consumer<Sighting> each) {
    discoverAnswers.forEach(each);
    return unsent;
  }

  @Override
  public Message.Description describe(DaemonAddress peer) {
    return describer.apply(peer);
  }

  @Override
  public Message.ModuleReply fetch(DaemonAddress peer, String library) {
    throw new UnsupportedOperationException("fetch is not scripted");
  }

  @Override
  public org.weverywhere.net.FreeCapacity capacity(DaemonAddress peer) {
    return capacities.apply(peer);
  }

  @Override
  public Executed execute(DaemonAddress peer, Message.Execute request) {
    executed.add(request);
    executedAt.add(peer);
    return new Executed(
        executorAt != null ? executorAt.apply(peer, request) : executor.apply(request),
        321,
        Duration.ofMillis(7));
  }
}
