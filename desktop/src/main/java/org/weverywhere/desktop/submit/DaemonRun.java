package org.weverywhere.desktop.submit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.net.FanOut;
import org.weverywhere.protocol.Message;

/**
 * One daemon's row of a send to several: who, how it ended, the daemon's own count of CPU, wall
 * time and peak memory (when it ran), and what it printed or returned.
 *
 * @param outcome e.g. {@code exit 0}, {@code trapped}, {@code refused [WE4010]: ...}
 * @param result the daemon's result, when it answered with one
 * @param millis the explorer's time from sending to this end
 */
public record DaemonRun(
    String daemon,
    Status status,
    String outcome,
    Optional<Message.Result> result,
    String output,
    long millis) {
  /** How one place of the send ended, as the summary counts it. */
  public enum Status {
    /** Ran and completed as wanted (exit 0 for a command). */
    SUCCEEDED,
    /** Ran, but trapped, ran out of something, or exited non-zero. */
    FAILED,
    /** Said no: nothing ran there (its place went to another daemon, if one was left). */
    REFUSED,
    /** No answer: it may have run, and its result is lost. */
    LOST
  }

  public DaemonRun {
    Objects.requireNonNull(daemon, "daemon");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(result, "result");
  }

  /**
   * @param call whether it was a function call (a command succeeds only with exit 0)
   */
  static DaemonRun of(FanOut.Attempt<ExplorerEvent.PeerChoice> attempt, boolean call) {
    String daemon = attempt.peer().toString();
    return switch (attempt) {
      case FanOut.Answered<ExplorerEvent.PeerChoice> answered -> {
        Message.Result r = answered.result();
        boolean completed = r.outcome().equals("completed");
        yield new DaemonRun(
            daemon,
            completed && (call || r.exit() == 0) ? Status.SUCCEEDED : Status.FAILED,
            completed ? "exit " + r.exit() : r.outcome(),
            Optional.of(r),
            output(r),
            answered.millis());
      }
      case FanOut.Refused<ExplorerEvent.PeerChoice> refused ->
          new DaemonRun(
              daemon,
              Status.REFUSED,
              "refused [" + refused.code() + "], ran nothing: " + refused.reason(),
              Optional.empty(),
              "",
              refused.millis());
      case FanOut.Lost<ExplorerEvent.PeerChoice> lost ->
          new DaemonRun(
              daemon,
              Status.LOST,
              "no answer, result lost: " + lost.reason(),
              Optional.empty(),
              "",
              lost.millis());
    };
  }

  /** A call's results, else the guest's stdout, then its stderr. */
  private static String output(Message.Result r) {
    StringBuilder text = new StringBuilder();
    if (!r.values().isEmpty()) {
      text.append(String.join(", ", r.values().stream().map(NumberText::format).toList()));
    }
    text.append(new String(r.stdout(), StandardCharsets.UTF_8));
    if (r.stderr().length > 0) {
      text.append(text.isEmpty() || text.charAt(text.length() - 1) == '\n' ? "" : "\n")
          .append(new String(r.stderr(), StandardCharsets.UTF_8));
    }
    return text.toString().strip();
  }

  /** CPU time the daemon counted, in ms; empty when nothing ran. */
  public String cpu() {
    return result.map(r -> String.format("%.1f ms", r.cpuNanos() / 1e6)).orElse("");
  }

  public String wall() {
    return result
        .filter(r -> r.wallNanos() > 0)
        .map(r -> String.format("%.1f ms", r.wallNanos() / 1e6))
        .orElse("");
  }

  public String memory() {
    return result
        .filter(r -> r.peakMemoryBytes() > 0)
        .map(r -> r.peakMemoryBytes() / 1024 + " KiB")
        .orElse("");
  }

  /** As the result pane shows it: a header line, then the output. */
  public String text() {
    return "== "
        + daemon
        + ": "
        + outcome
        + (result.isPresent() ? " (cpu " + cpu() + ", wall " + wall() + ", " + memory() + ")" : "")
        + " ["
        + millis
        + " ms]"
        + (output.isEmpty() ? "" : "\n" + output);
  }
}
