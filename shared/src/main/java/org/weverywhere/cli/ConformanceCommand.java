package org.weverywhere.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.net.Announcement;
import org.weverywhere.net.Conformance;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.net.UnicastProbe;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Ed25519;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere conformance PEER}: which receiver rules of docs/PROTOCOL.md a live daemon
 * honours, over UDP and HTTP, whatever implementation it is.
 */
@Command(
    name = "conformance",
    description = {
      "Check a live daemon, of any implementation, against the receiver rules of the protocol: every receiver case of"
          + " the protocol's test vectors, signed afresh with a throwaway key, sent over UDP and over HTTP.",
      "Prints one line per rule and transport: PASS or FAIL, what was expected and what came back. Exits 0 only if"
          + " every rule passed."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere conformance 127.0.0.1",
      "  weverywhere conformance 192.0.2.7:22341 --http-port 8080 --json",
      "",
      "PEER is host[:port], the daemon's UDP address (default port 22341).",
      "Its node id and HTTP port come from its answer to a unicast discover.",
      "Over UDP a rejected message must get no answer: each such rule waits --timeout.",
      "It sends malformed messages on purpose: run it only against daemons you may probe."
    })
final class ConformanceCommand implements Callable<Integer> {
  /**
   * The shortest wait for the unicast discover that finds the node: it is asked once, so never
   * skimp.
   */
  private static final Duration PROBE = Duration.ofSeconds(3);

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PEER", description = "The daemon's UDP address: host[:port].")
  String peer;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "Its HTTP bulk port, if not the one it announces.")
  Integer httpPort;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description =
          "How long to wait for an answer, and for silence over UDP (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--json", description = "One JSON object: the peer, and each rule's result.")
  boolean json;

  @Override
  public Integer call() {
    if (timeoutSeconds <= 0 || timeoutSeconds > 60) {
      throw new ParameterException(
          spec.commandLine(), "--timeout must be more than 0 and at most 60 seconds");
    }
    if (httpPort != null && (httpPort < 1 || httpPort > 65535)) {
      throw new ParameterException(spec.commandLine(), "--http-port must be 1..65535");
    }
    PeerAddress where;
    try {
      where = PeerAddress.parse(peer, 22341);
    } catch (IllegalArgumentException malformed) {
      throw new ParameterException(
          spec.commandLine(), "PEER must be host[:port]: " + malformed.getMessage());
    }
    InetSocketAddress udp = where.socketAddress();
    if (udp.isUnresolved()) {
      throw new CommandException(
          ErrorCode.PROTOCOL_TRANSPORT, "cannot resolve host '" + where.hostText() + "'");
    }
    Duration timeout = Duration.ofMillis((long) (timeoutSeconds * 1000));
    KeyPair throwaway = Ed25519.generate(); // in no group anywhere: anonymous, as the cases expect
    Announcement found =
        new UnicastProbe(
                new MessageSigner(throwaway),
                Verifier.of(Clock.systemUTC(), Optional.empty(), 1024),
                Clock.systemUTC())
            .ask(
                udp,
                PROBE.compareTo(timeout.multipliedBy(3)) > 0 ? PROBE : timeout.multipliedBy(3));
    URI http = PeerAddress.of(udp).http(httpPort != null ? httpPort : found.announce().httpPort());
    List<Conformance.CaseOutcome> outcomes =
        new Conformance(throwaway, found.node(), udp, http, timeout, Clock.systemUTC()).run();
    long failed = outcomes.stream().filter(o -> !o.passed()).count();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("peer", udp.getAddress().getHostAddress() + ":" + udp.getPort());
      doc.put("node", found.node().toString());
      doc.put("http", http.toString());
      doc.put(
          "rules",
          outcomes.stream()
              .map(
                  o -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("rule", o.rule());
                    row.put("transport", o.transport());
                    row.put("result", o.passed() ? "PASS" : "FAIL");
                    row.put("expected", o.expected());
                    row.put("got", o.got());
                    return row;
                  })
              .toList());
      doc.put("passed", outcomes.size() - failed);
      doc.put("failed", failed);
      doc.put("notRun", Conformance.notLive());
      out.println(Json.document(doc));
    } else {
      out.printf("%s (node %s, http %s)%n", udp, found.node().shortForm(), http);
      for (Conformance.CaseOutcome o : outcomes) {
        out.printf(
            "%s  %-4s  %-30s  expected %s; got %s%n",
            o.passed() ? "PASS" : "FAIL", o.transport(), o.rule(), o.expected(), o.got());
      }
      out.printf("%d passed, %d failed%n", outcomes.size() - failed, failed);
      out.printf(
          "not run here (a client's rules, or rules that need the receiver's own settings): %s%n",
          String.join(", ", Conformance.notLive()));
    }
    out.flush();
    return failed == 0 ? ExitStatus.OK : ExitStatus.FAILURE;
  }
}
