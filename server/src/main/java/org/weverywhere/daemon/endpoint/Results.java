package org.weverywhere.daemon.endpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.weverywhere.ErrorCode;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.Output;
import org.weverywhere.exec.Usage;
import org.weverywhere.protocol.Message;

/** How an execution's outcome goes on the wire ({@code result} or {@code error}) and in events. */
final class Results {
  private Results() {}

  static Message of(ExecutionOutcome outcome) {
    return switch (outcome) {
      case ExecutionOutcome.Completed c ->
          switch (c.result()) {
            case ExecutionOutcome.Exit exit ->
                withTrees(
                    result("completed", exit.code(), c.output(), List.of(), c.usage()), c.trees());
            case ExecutionOutcome.Returned returned ->
                result(
                    "completed",
                    0,
                    c.output(),
                    returned.values().stream().map(WireValues::toWire).toList(),
                    c.usage());
          };
      case ExecutionOutcome.Trapped t ->
          result(
              "trapped",
              0,
              withDetail(t.output(), "trap: " + t.kind() + ": " + t.message()),
              List.of(),
              t.usage());
      case ExecutionOutcome.OutOfCpu o ->
          result(o.wallClock() ? "timed-out" : "out-of-cpu", 0, o.output(), List.of(), o.usage());
      case ExecutionOutcome.OutOfMemory m ->
          result("out-of-memory", 0, m.output(), List.of(), m.usage());
      case ExecutionOutcome.OutputTruncated t ->
          result("output-truncated", 0, t.output(), List.of(), t.usage());
      case ExecutionOutcome.Refused r ->
          RequestHandler.error(
              ErrorCode.PROTOCOL_QUOTA,
              r.reason(),
              Optional.of(r.quota().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
      case ExecutionOutcome.Invalid i ->
          RequestHandler.error(i.code(), i.reason(), Optional.empty());
    };
  }

  private static Message.Result result(
      String outcome, int exit, Output output, List<Message.WasmValue> values, Usage usage) {
    return new Message.Result(
        outcome,
        exit,
        output.stdout(),
        output.stderr(),
        values,
        usage.cpuTime().toNanos(),
        usage.wallTime().toNanos(),
        usage.peakMemoryBytes());
  }

  /** The request's directory trees as the guest left them (when it changed any). */
  private static Message.Result withTrees(
      Message.Result r, List<org.weverywhere.files.Preopen> trees) {
    return trees.isEmpty()
        ? r
        : new Message.Result(
            r.outcome(),
            r.exit(),
            r.stdout(),
            r.stderr(),
            r.values(),
            r.cpuNanos(),
            r.wallNanos(),
            r.peakMemoryBytes(),
            trees);
  }

  /** The trap's reason is told in stderr, where a person running the module would look. */
  private static Output withDetail(Output output, String detail) {
    byte[] line =
        ("\n[weverywhere: " + detail + "]\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] stderr = java.util.Arrays.copyOf(output.stderr(), output.stderr().length + line.length);
    System.arraycopy(line, 0, stderr, output.stderr().length, line.length);
    return new Output(output.stdout(), stderr);
  }

  /** The usage and ending of an execution, for its journal event. */
  static ObjectNode describe(ExecutionOutcome outcome, ObjectNode event) {
    String ending =
        switch (outcome) {
          case ExecutionOutcome.Completed c ->
              c.result() instanceof ExecutionOutcome.Exit exit ? "exit " + exit.code() : "returned";
          case ExecutionOutcome.Trapped t -> "trap " + t.kind();
          case ExecutionOutcome.OutOfCpu o ->
              o.wallClock() ? "wall-clock timeout" : "out of CPU time";
          case ExecutionOutcome.OutOfMemory m -> "out of memory";
          case ExecutionOutcome.OutputTruncated t -> "output truncated";
          case ExecutionOutcome.Refused r -> "refused " + r.quota();
          case ExecutionOutcome.Invalid i -> "invalid module";
        };
    event.put("ending", ending);
    Usage usage = outcome.usage();
    if (usage != Usage.NONE) { // refused and invalid requests never ran: nothing to bill
      event
          .put("cpuNanos", usage.cpuTime().toNanos())
          .put("wallNanos", usage.wallTime().toNanos())
          .put("peakMemoryBytes", usage.peakMemoryBytes())
          .put("outputBytes", usage.outputBytes());
    }
    return event;
  }
}
