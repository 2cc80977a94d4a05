package org.weverywhere.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.net.DaemonEvent;
import org.weverywhere.protocol.Message;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere events}: the daemon's event journal (requests, refusals, fetches, executions
 * with their usage, quota rejections, configuration changes), read and followed through the control
 * socket. A billing program resumes with {@code --since} and misses nothing.
 */
@Command(
    name = "events",
    header = "Read and follow a daemon's events (CloudEvents JSON lines with --json).",
    description = {
      "Prints the events the daemon's journal keeps, from --since on (default: all it keeps), and with --follow goes on printing new ones as they are written (default: from the next one).",
      "Each event carries its sequence number (CloudEvents id and weverywhereseq): resume with --since <last seen + 1> and nothing is missed."
    },
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere events",
      "  weverywhere events --follow --json",
      "  weverywhere events --since 1200 --follow --json >> billing.jsonl"
    })
final class EventsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ControlTarget target;

  @Option(
      names = {"-f", "--follow"},
      description = "Go on printing events as they are written.")
  boolean follow;

  @Option(names = "--since", paramLabel = "SEQ", description = "First sequence number to print.")
  Long since;

  @Override
  public Integer call() {
    if (since != null && since < 1) {
      throw new ParameterException(spec.commandLine(), "--since must be 1 or more");
    }
    if (follow && target.peer != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--follow works on the local control socket only; "
              + "over the network, poll with --since");
    }
    PrintWriter out = spec.commandLine().getOut();
    long[] next = {since == null ? 0 : since};
    if (follow) {
      Map<String, String> args = new LinkedHashMap<>(Map.of("follow", "true"));
      if (since != null) {
        args.put("since", Long.toString(since));
      }
      target.follow(
          new Message.Control("events", args),
          report -> {
            next[0] = print(report, out);
            return !out.checkError(); // a closed pipe (| head) ends the stream
          });
      throw new WeverywhereException(
          ErrorCode.CONTROL_UNREACHABLE,
          "the daemon closed the event stream; resume with --since " + next[0]);
    }
    while (true) {
      Map<String, String> args = new LinkedHashMap<>(Map.of("limit", "1000"));
      if (next[0] > 0) {
        args.put("since", Long.toString(next[0]));
      }
      Message.Report report =
          target.send(
              new Message.Control("events", args), CtlCommand.ANSWER, spec.commandLine().getErr());
      long after = print(report, out);
      if (((List<?>) report.data().get("events")).isEmpty() || after == next[0]) {
        return ExitStatus.OK;
      }
      next[0] = after;
    }
  }

  /** Prints a batch and returns the sequence number to ask from next. */
  private long print(Message.Report report, PrintWriter out) {
    for (Object line : (List<?>) report.data().get("events")) {
      out.println(target.json ? line : human(line.toString()));
    }
    out.flush();
    return ReportText.number(report.data().get("next"));
  }

  /** {@code SEQ TIME KIND REQUESTER GROUP details}: one event a line. */
  static String human(String line) {
    DaemonEvent event;
    try {
      event = DaemonEvent.parse(line);
    } catch (IllegalArgumentException e) {
      return line; // the daemon wrote it; show it as it is rather than lose it
    }
    String requester = event.requester().isEmpty() ? "-" : event.requester();
    return String.join(
        "  ",
        Long.toString(event.sequence()),
        event.time(),
        event.kind(),
        requester.length() > 20 ? requester.substring(0, 20) + "…" : requester,
        event.group().isEmpty() ? "-" : event.group(),
        event.detailText());
  }
}
