package org.weverywhere.desktop.submit;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.weverywhere.desktop.client.Executed;
import org.weverywhere.protocol.Message;

/** How a send ended. */
public sealed interface SendOutcome {
  /** The daemon ran it; the result says how it ended (completed, trapped, out-of-fuel...). */
  record Ran(Executed executed) implements SendOutcome {}

  /**
   * The daemon said no (permission, membership, busy, quota...); {@code quota} names the quota that
   * refused (as the daemon named it), present only for a quota refusal.
   */
  record Refused(String code, String message, Optional<String> quota) implements SendOutcome {}

  /** It never got an answer: no connection, no reply in time, a reply that did not verify. */
  record Failed(String code, String message) implements SendOutcome {}

  /**
   * Nothing was sent: what the request would carry is bad (an attached directory too large, with
   * too many entries or a bad name), refused with the CLI's message before anything runs.
   */
  record NotSent(String code, String message) implements SendOutcome {}

  /** As the result pane shows it: the first line is the headline. */
  default String text() {
    return switch (this) {
      case Refused r when r.quota().isPresent() ->
          "QUOTA EXCEEDED: the daemon's '"
              + r.quota().get()
              + "' quota for your group refused this ["
              + r.code()
              + "]\n"
              + r.message();
      case Refused r -> "refused [" + r.code() + "]\n" + r.message();
      case Failed f -> "failed [" + f.code() + "]\n" + f.message();
      case NotSent n -> "not sent [" + n.code() + "]\n" + n.message();
      case Ran ran -> {
        Message.Result r = ran.executed().result();
        StringBuilder text = new StringBuilder();
        if (!r.values().isEmpty()) {
          text.append("results: ")
              .append(String.join(", ", r.values().stream().map(NumberText::format).toList()))
              .append('\n');
        }
        text.append("outcome: ")
            .append(r.outcome())
            .append("\nexit: ")
            .append(r.exit())
            .append("\nusage: cpu time ")
            .append(String.format("%.3f ms", r.cpuNanos() / 1e6))
            .append(r.wallNanos() > 0 ? String.format(", wall %.3f ms", r.wallNanos() / 1e6) : "")
            .append(
                r.peakMemoryBytes() > 0
                    ? ", peak memory " + r.peakMemoryBytes() / 1024 + " KiB"
                    : "")
            .append(" (the daemon's count); round trip ")
            .append(ran.executed().roundTrip().toMillis())
            .append(" ms, reply ")
            .append(ran.executed().replyBytes())
            .append(" bytes (the explorer's)");
        text.append("\n--- stdout (")
            .append(r.stdout().length)
            .append(" bytes)\n")
            .append(new String(r.stdout(), StandardCharsets.UTF_8));
        text.append("\n--- stderr (")
            .append(r.stderr().length)
            .append(" bytes)\n")
            .append(new String(r.stderr(), StandardCharsets.UTF_8));
        yield text.toString();
      }
    };
  }
}
