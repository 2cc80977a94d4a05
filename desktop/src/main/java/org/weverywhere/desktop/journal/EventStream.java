package org.weverywhere.desktop.journal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.weverywhere.WeverywhereException;
import org.weverywhere.net.ControlClient;
import org.weverywhere.net.DaemonEvent;
import org.weverywhere.protocol.Message;

/**
 * A local daemon's event stream, read through its control socket on the calling thread until {@link
 * #stop} or the stream ends: the Events screen shows what it reads, the Fleet screen counts it.
 */
public final class EventStream {
  private volatile ControlClient connection;
  private volatile boolean stopping;

  /** Where reading starts, asked on the open connection (it may ask the daemon first). */
  @FunctionalInterface
  public interface Start {
    long from(ControlClient client);
  }

  /**
   * Reads {@code path}'s events from {@code start} on, handing each non-empty batch to {@code
   * batches} on this thread, until stopped or the stream ends.
   *
   * @return {@code stopped} when stopped or ended, else the failure's message and code
   */
  public String read(Path path, Start start, Consumer<List<DaemonEvent>> batches, String stopped) {
    String ending = stopped;
    try (ControlClient client = ControlClient.connect(path, Clock.systemUTC())) {
      connection = client;
      long from = start.from(client);
      client.follow(
          new Message.Control("events", Map.of("follow", "true", "since", Long.toString(from))),
          report -> {
            List<DaemonEvent> batch = DaemonEvent.readable(report);
            if (!batch.isEmpty()) {
              batches.accept(batch);
            }
            return !stopping;
          });
    } catch (WeverywhereException failed) {
      if (!stopping) {
        ending = failed.getMessage() + " [" + failed.code().code() + "]";
      }
    }
    connection = null;
    stopping = false;
    return ending;
  }

  /** Stops reading: the reading thread sees the stream end. */
  public void stop() {
    stopping = true;
    ControlClient open = connection;
    if (open != null) {
      open.close();
    }
  }

  /**
   * The event {@code back} before the journal's next one (at least the first), so that a screen
   * does not start empty.
   */
  public static long recent(ControlClient client, int back) {
    Message.Report status =
        client.request(new Message.Control("status", Map.of()), Duration.ofSeconds(30));
    return Math.max(1, ((Number) status.data().get("journal-next")).longValue() - back);
  }
}
