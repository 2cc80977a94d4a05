package org.weverywhere.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.protocol.Message;
import org.weverywhere.wasm.ListedFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weverywhere libraries}: what libraries the named daemons (or all that answer) offer. */
@Command(
    name = "libraries",
    description = {
      "List the libraries daemons offer: name, version, size, hash and exported functions.",
      "Asks each PEER (all daemons that answer discovery when none is given) with a signed describe."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere libraries                 # every daemon that answers",
      "  weverywhere libraries test-daemon --json",
      "",
      "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port]."
    })
final class LibrariesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(
      paramLabel = "PEER",
      arity = "0..*",
      description = "Daemons to ask (default: all that answer).")
  List<String> peers = new ArrayList<>();

  @Option(names = "--json", description = "A JSON array of libraries, each with its peer.")
  boolean json;

  @Override
  public Integer call() {
    client.validate();
    Peers finder = new Peers(client, spec.commandLine().getErr());
    List<DiscoveredPeer> asked = peers.isEmpty() ? finder.all() : finder.resolve(peers);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (DiscoveredPeer peer : asked) {
      for (Message.Library library : peer.describe(client, List.of("libraries")).libraries()) {
        rows.add(row(peer, library));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.document(rows));
    } else {
      Table table = new Table("PEER", "LIBRARY", "VERSION", "SIZE", "SHA-256", "FUNCTIONS");
      for (Map<String, Object> row : rows) {
        @SuppressWarnings("unchecked")
        List<String> exports = (List<String>) row.get("exports");
        table.add(
            (String) row.get("peer"),
            (String) row.get("name"),
            (String) row.get("version"),
            row.get("size") + " B",
            ((String) row.get("sha256")).substring(0, 12),
            String.join(", ", exports.stream().map(ListedFunction::nameOf).toList()));
      }
      table.print(out);
    }
    return ExitStatus.OK;
  }

  static Map<String, Object> row(DiscoveredPeer peer, Message.Library library) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("peer", peer.name());
    row.put("node", peer.node().toString());
    row.put("name", library.name());
    row.put("version", library.version());
    row.put("size", library.size());
    row.put("sha256", HexFormat.of().formatHex(library.sha256()));
    row.put("exports", library.exports());
    return row;
  }
}
