package org.weverywhere.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.trust.SignatureGroups;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleParser;
import org.weverywhere.wasm.ModuleSignatures;
import org.weverywhere.wasm.WasmFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weverywhere inspect}: what WASI modules on disk need and offer, without running them. */
@Command(
    name = "inspect",
    header = "Show the imports, exports and metadata of WebAssembly modules.",
    mixinStandardHelpOptions = true,
    description = {
      "Reads each module without running it and reports its size, SHA-256, kind (command,"
          + " reactor, library, component), WASI version, memory limits, imports and exports"
          + " with typed signatures, custom sections, producers, function names and the"
          + " module's own metadata (docs/METADATA.md), and who signed it: each embedded"
          + " signature is verified and, with --config-dir, its signer's groups shown.",
      "",
      "Directories are searched, links followed, for *.wasm and *.wasi files. A file that"
          + " cannot be read is reported on stderr with its byte offset and a stable code; the"
          + " other files are still reported, and the exit status is then 1."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  weverywhere inspect target/example-programs",
      "  weverywhere inspect --json math.wasi | jq -r '.exports[].signature'",
      "",
      "--json prints one JSON object per module per line; schema: docs/inspect.schema.json."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Module files or directories.")
  List<Path> paths;

  @Option(names = "--json", description = "One JSON object per module per line, for scripts.")
  boolean json;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "Also show which Signature Group (DIR/groups/<Group-Name>/) each module signer is in.")
  Path configDir;

  private final ModuleParser parser = new ModuleParser();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<SignatureGroups> groups = Optional.ofNullable(configDir).map(SignatureGroups::load);
    var found = new ModuleFinder().find(paths);
    int failures = 0;
    boolean first = true;
    for (var item : found) {
      WeverywhereException failure =
          switch (item) {
            case ModuleFinder.Unreachable unreachable -> unreachable.failure();
            case ModuleFinder.ModuleFile file -> {
              try {
                ModuleInfo info = parser.parse(file.path());
                ModuleSignatures.Report signatures =
                    ModuleSignatures.verify(Files.readAllBytes(file.path()));
                if (json) {
                  out.println(Json.line(ModuleJson.of(file.path(), info, signatures, groups)));
                } else {
                  if (!first) {
                    out.println();
                  }
                  out.print(
                      ModuleReport.render(file.path(), info)
                          + ModuleReport.signatures(signatures, groups));
                }
                first = false;
                if (signatures.signed() && !signatures.allValid()) {
                  // the report (and its JSON line) already says which signatures fail; stderr and
                  // the
                  // exit status say that something is wrong
                  failures++;
                  err.println(
                      FailureReporter.line(
                          new WeverywhereException(
                              ErrorCode.WASM_SIGNATURE_INVALID,
                              file.path()
                                  + ": signed, but "
                                  + signatures.checks().stream()
                                      .filter(c -> !c.valid())
                                      .map(
                                          c ->
                                              c.signer().map(f -> f.shortForm() + ": ").orElse("")
                                                  + c.detail())
                                      .collect(java.util.stream.Collectors.joining("; ")))));
                }
                yield null;
              } catch (WasmFormatException bad) {
                yield new WeverywhereException(
                    bad.code(), file.path() + ": " + bad.getMessage(), bad);
              } catch (AccessDeniedException denied) {
                yield new WeverywhereException(
                    ErrorCode.IO_UNREADABLE, file.path() + ": permission denied", denied);
              } catch (IOException unreadable) {
                yield new WeverywhereException(
                    ErrorCode.IO_UNREADABLE,
                    file.path() + ": cannot read: " + unreadable,
                    unreadable);
              }
            }
          };
      if (failure != null) {
        failures++;
        err.println(FailureReporter.line(failure));
        if (json) {
          out.println(Json.line(ModuleJson.failure(item.path(), failure)));
        }
      }
    }
    out.flush();
    if (found.isEmpty()) {
      err.println("weverywhere: no .wasm or .wasi files under " + paths);
      return ExitStatus.FAILURE;
    }
    return failures == 0 ? ExitStatus.OK : ExitStatus.FAILURE;
  }
}
