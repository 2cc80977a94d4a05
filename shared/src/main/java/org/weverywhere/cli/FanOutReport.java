package org.weverywhere.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.weverywhere.ErrorCode;
import org.weverywhere.net.FanOut;

/**
 * Prints a fan-out as it goes: per daemon, a block of text (a header line, then the guest's output)
 * or one JSON object on one line; at the end a summary, and the exit status says whether every
 * place succeeded.
 */
final class FanOutReport {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;
  private final String what;

  /**
   * @param what the work, as named in the summary, e.g. {@code sysinfo}
   */
  FanOutReport(PrintWriter out, PrintWriter err, boolean json, String what) {
    this.out = out;
    this.err = err;
    this.json = json;
    this.what = what;
  }

  void attempt(FanOut.Attempt<DiscoveredPeer> attempt) {
    if (json) {
      out.println(Json.line(document(attempt)));
    } else {
      text(attempt);
    }
    out.flush();
    err.flush();
  }

  private void text(FanOut.Attempt<DiscoveredPeer> attempt) {
    DiscoveredPeer peer = attempt.peer();
    switch (attempt) {
      case FanOut.Answered<DiscoveredPeer> answered -> {
        var result = answered.result();
        String ending =
            result.outcome().equals("completed") ? "exit " + result.exit() : result.outcome();
        out.println("== " + peer.label() + ": " + ending + " (" + answered.millis() + " ms)");
        String stdout = new String(result.stdout(), StandardCharsets.UTF_8);
        out.print(stdout);
        if (!stdout.isEmpty() && !stdout.endsWith("\n")) {
          out.println();
        }
        result.values().forEach(v -> out.println(FunctionSignature.show(v)));
        // the guest's stderr stays on stderr, as for a run on one daemon
        err.print(new String(result.stderr(), StandardCharsets.UTF_8));
      }
      case FanOut.Refused<DiscoveredPeer> refused ->
          out.println("== " + peer.label() + ": refused, ran nothing: " + refused.reason());
      case FanOut.Lost<DiscoveredPeer> lost ->
          out.println("== " + peer.label() + ": no answer, result lost: " + lost.reason());
    }
  }

  private static Map<String, Object> document(FanOut.Attempt<DiscoveredPeer> attempt) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("peer", attempt.peer().name());
    doc.put("node", attempt.peer().node().toString());
    switch (attempt) {
      case FanOut.Answered<DiscoveredPeer> answered -> {
        var result = answered.result();
        doc.put("status", "answered");
        doc.put("outcome", result.outcome());
        doc.put("exit", result.exit());
        doc.put("stdout", new String(result.stdout(), StandardCharsets.UTF_8));
        doc.put("stderr", new String(result.stderr(), StandardCharsets.UTF_8));
        doc.put(
            "values",
            result.values().stream()
                .map(v -> Map.of("type", v.type(), "value", FunctionSignature.show(v)))
                .toList());
        doc.put("cpuNanos", result.cpuNanos());
        doc.put("wallNanos", result.wallNanos());
        doc.put("peakMemoryBytes", result.peakMemoryBytes());
      }
      case FanOut.Refused<DiscoveredPeer> refused -> {
        doc.put("status", "refused");
        doc.put("code", refused.code());
        doc.put("reason", refused.reason());
      }
      case FanOut.Lost<DiscoveredPeer> lost -> {
        doc.put("status", "lost");
        doc.put("reason", lost.reason());
      }
    }
    doc.put("millis", attempt.millis());
    return doc;
  }

  /**
   * Prints the summary and returns the exit status: 0 when every place succeeded, else throws
   * WE5070.
   */
  int summary(FanOut.Summary<DiscoveredPeer> summary) {
    long answered = summary.count(FanOut.Answered.class);
    long refused = summary.count(FanOut.Refused.class);
    long lost = summary.count(FanOut.Lost.class);
    long failed = answered - summary.succeeded();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("wanted", summary.wanted());
      doc.put("candidates", summary.candidates());
      doc.put("succeeded", summary.succeeded());
      doc.put("failed", failed);
      doc.put("refused", refused);
      doc.put("lost", lost);
      doc.put("millis", summary.millis());
      out.println(Json.line(Map.of("summary", doc)));
    } else {
      out.println(
          what
              + ": "
              + summary.succeeded()
              + " of "
              + summary.wanted()
              + " succeeded"
              + (failed > 0 ? ", " + failed + " failed" : "")
              + (refused > 0 ? ", " + refused + " refused" : "")
              + (lost > 0 ? ", " + lost + " lost" : "")
              + " ("
              + summary.candidates()
              + " daemons could run it; "
              + summary.millis()
              + " ms)");
    }
    out.flush();
    if (!summary.complete()) {
      throw new CommandException(
          ErrorCode.FANOUT_INCOMPLETE,
          what
              + " succeeded on "
              + summary.succeeded()
              + " of "
              + summary.wanted()
              + " daemons wanted"
              + (summary.candidates() < summary.wanted()
                  ? " (only " + summary.candidates() + " could run it)"
                  : ""));
    }
    return ExitStatus.OK;
  }
}
