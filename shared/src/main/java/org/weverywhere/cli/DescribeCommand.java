package org.weverywhere.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.weverywhere.protocol.Message;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weverywhere describe PEER}: everything one daemon publishes about itself. */
@Command(
    name = "describe",
    description = {
      "Show what one daemon offers: its libraries with typed function signatures, its running services, and host facts when your key's groups may observe the host."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere describe test-daemon",
      "  weverywhere describe 127.0.0.1:22341 --json",
      "",
      "PEER is a node id (or a unique prefix of it), a daemon name, or host[:port]."
    })
final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Parameters(paramLabel = "PEER", description = "The daemon to describe.")
  String peer;

  @Option(names = "--json", description = "One JSON object.")
  boolean json;

  @Override
  public Integer call() {
    client.validate();
    DiscoveredPeer found = new Peers(client, spec.commandLine().getErr()).resolve(peer);
    Message.Description description = found.describe(client, List.of());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("node", found.node().toString());
      doc.put("name", found.name());
      doc.put("address", found.udp().getAddress().getHostAddress());
      doc.put("port", found.udp().getPort());
      doc.put("http", found.httpPort());
      doc.put("host", new TreeMap<>(description.host()));
      List<Map<String, Object>> libraries = new ArrayList<>();
      description.libraries().forEach(l -> libraries.add(LibrariesCommand.row(found, l)));
      libraries.forEach(
          l -> {
            l.remove("peer");
            l.remove("node");
          });
      doc.put("libraries", libraries);
      doc.put(
          "services",
          description.services().stream()
              .map(
                  s -> {
                    Map<String, Object> service = ServicesCommand.row(found, s);
                    service.remove("peer");
                    service.remove("node");
                    return service;
                  })
              .toList());
      out.println(Json.document(doc));
      return ExitStatus.OK;
    }
    out.printf("%-10s %s%n", "node", found.node());
    out.printf("%-10s %s%n", "name", found.name());
    out.printf(
        "%-10s %s udp %d, http %d%n",
        "address",
        found.udp().getAddress().getHostAddress(),
        found.udp().getPort(),
        found.httpPort());
    out.printf(
        "%-10s %s%n",
        "host",
        description.host().isEmpty()
            ? "not shown (needs the observe privilege)"
            : String.join(
                ", ",
                new TreeMap<>(description.host())
                    .entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
    out.printf("%-10s %d%n", "libraries", description.libraries().size());
    for (Message.Library library : description.libraries()) {
      out.printf(
          "  %s %s  %d bytes  sha256 %s%n",
          library.name(),
          library.version(),
          library.size(),
          java.util.HexFormat.of().formatHex(library.sha256()));
      library.exports().forEach(e -> out.println("    " + e));
    }
    out.printf(
        "%-10s %s%n",
        "services", description.services().isEmpty() ? "none" : description.services().size());
    description
        .services()
        .forEach(
            s -> {
              out.println(
                  "  "
                      + s.name()
                      + "  ("
                      + s.library()
                      + ", "
                      + s.state()
                      + ", "
                      + s.live()
                      + "/"
                      + s.instances()
                      + " instances"
                      + s.reason().map(r -> ": " + r).orElse("")
                      + ")");
              s.functions().forEach(f -> out.println("    " + f));
            });
    out.flush();
    return ExitStatus.OK;
  }
}
