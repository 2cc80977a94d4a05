package org.weverywhere.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.protocol.Message;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weverywhere services}: the services the named daemons (or all that answer) run. */
@Command(
    name = "services",
    description = {
      "List the services daemons run: library, state (running, restarting, failed, stopped), instances, since when, and the functions callers may call.",
      "Asks each PEER (all daemons that answer discovery when none is given) with a signed describe."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere services                  # every daemon that answers",
      "  weverywhere services test-daemon --json",
      "  weverywhere call test-daemon kv get 1 0",
      "",
      "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port]."
    })
final class ServicesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(
      paramLabel = "PEER",
      arity = "0..*",
      description = "Daemons to ask (default: all that answer).")
  List<String> peers = new ArrayList<>();

  @Option(names = "--json", description = "A JSON array of services, each with its peer.")
  boolean json;

  @Override
  public Integer call() {
    client.validate();
    Peers finder = new Peers(client, spec.commandLine().getErr());
    List<DiscoveredPeer> asked = peers.isEmpty() ? finder.all() : finder.resolve(peers);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (DiscoveredPeer peer : asked) {
      for (Message.Service service : peer.describe(client, List.of("services")).services()) {
        rows.add(row(peer, service));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.document(rows));
      return ExitStatus.OK;
    }
    Table table =
        new Table("PEER", "SERVICE", "LIBRARY", "STATE", "INSTANCES", "SINCE", "FUNCTIONS");
    for (Map<String, Object> row : rows) {
      @SuppressWarnings("unchecked")
      List<String> functions = (List<String>) row.get("functions");
      table.add(
          (String) row.get("peer"),
          (String) row.get("name"),
          (String) row.get("library"),
          row.get("state") + (row.containsKey("reason") ? ": " + row.get("reason") : ""),
          row.get("live") + "/" + row.get("instances"),
          (String) row.get("since"),
          String.join(", ", functions));
    }
    table.print(out);
    return ExitStatus.OK;
  }

  static Map<String, Object> row(DiscoveredPeer peer, Message.Service service) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("peer", peer.name());
    row.put("node", peer.node().toString());
    row.put("name", service.name());
    row.put("library", service.library());
    service.sha256().ifPresent(h -> row.put("sha256", HexFormat.of().formatHex(h)));
    row.put("state", service.state());
    service.reason().ifPresent(r -> row.put("reason", r));
    row.put("instances", service.instances());
    row.put("live", service.live());
    row.put("since", Instant.ofEpochMilli(service.since()).toString());
    row.put("functions", service.functions());
    return row;
  }
}
