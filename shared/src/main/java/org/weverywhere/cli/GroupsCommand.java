package org.weverywhere.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.trust.GroupKey;
import org.weverywhere.trust.KeyException;
import org.weverywhere.trust.SignatureGroup;
import org.weverywhere.trust.SignatureGroups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weverywhere groups}: lists the Signature Groups, their keys, and every bad file. */
@Command(
    name = "groups",
    header = "List the Signature Groups and the keys in each.",
    description = {
      "List the Signature Groups under CONFIG-DIR/groups/<Group-Name>/*.pub-key.pem with the"
          + " fingerprint of every key, then every file that could not be used (one line each on stderr).",
      "Exits 1 when any file was bad; the good keys are listed all the same."
    },
    mixinStandardHelpOptions = true)
final class GroupsCommand implements Callable<Integer> {
  static final String CONFIG_DIR_VARIABLE = "WEVERYWHERE_CONFIG_DIR";
  static final Path SYSTEM_CONFIG_DIR = Path.of("/etc/weverywhere");

  @Spec CommandSpec spec;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "Configuration directory (default: $" + CONFIG_DIR_VARIABLE + ", else /etc/weverywhere).")
  Path configDir;

  @Option(names = "--json", description = "Print groups, keys and errors as one JSON document.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Path directory =
        configDir != null ? configDir : defaultConfigDir(System.getenv(CONFIG_DIR_VARIABLE));
    if (!Files.isDirectory(directory)) {
      throw new WeverywhereException(
          ErrorCode.IO_UNREADABLE,
          directory
              + ": no such configuration directory (use --config-dir DIR or $"
              + CONFIG_DIR_VARIABLE
              + ")");
    }
    SignatureGroups groups = SignatureGroups.load(directory);
    if (json) {
      printJson(directory, groups);
    } else {
      printTable(directory, groups);
    }
    return groups.errors().isEmpty() ? ExitStatus.OK : ExitStatus.FAILURE;
  }

  static Path defaultConfigDir(String variable) {
    return variable == null || variable.isBlank() ? SYSTEM_CONFIG_DIR : Path.of(variable);
  }

  private void printTable(Path directory, SignatureGroups groups) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"GROUP", "FINGERPRINT", "FILE"});
    for (SignatureGroup group : groups.groups()) {
      if (group.isAnonymous()) {
        rows.add(new String[] {group.name(), "(built-in: every key in no other group)", ""});
      } else if (group.keys().isEmpty()) {
        rows.add(new String[] {group.name(), "(no keys)", ""});
      }
      for (GroupKey key : group.keys()) {
        rows.add(
            new String[] {
              group.name(), key.fingerprint().toString(), shown(directory, key.file())
            });
      }
    }
    PrintWriter output = spec.commandLine().getOut();
    int[] widths = new int[2];
    for (String[] row : rows) {
      widths[0] = Math.max(widths[0], row[0].length());
      widths[1] = Math.max(widths[1], row[1].length());
    }
    for (String[] row : rows) {
      String line =
          String.format("%-" + widths[0] + "s  %-" + widths[1] + "s  %s", row[0], row[1], row[2]);
      output.println(line.stripTrailing());
    }
    output.flush();
    PrintWriter errors = spec.commandLine().getErr();
    for (KeyException error : groups.errors()) {
      errors.println(FailureReporter.line(error));
    }
    errors.flush();
  }

  private void printJson(Path directory, SignatureGroups groups) throws IOException {
    List<Map<String, Object>> groupList = new ArrayList<>();
    for (SignatureGroup group : groups.groups()) {
      List<Map<String, Object>> keys = new ArrayList<>();
      for (GroupKey key : group.keys()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("fingerprint", key.fingerprint().toString());
        entry.put("shortFingerprint", key.fingerprint().shortForm());
        entry.put("file", key.file().toString());
        keys.add(entry);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", group.name());
      entry.put("builtIn", group.isAnonymous());
      entry.put("keys", keys);
      groupList.add(entry);
    }
    List<Map<String, Object>> errorList = new ArrayList<>();
    for (KeyException error : groups.errors()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("code", error.code().code());
      entry.put("file", error.file().map(Path::toString).orElse(null));
      entry.put("line", error.line() > 0 ? error.line() : null);
      entry.put("message", error.getMessage());
      errorList.add(entry);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("configDir", directory.toString());
    document.put("groups", groupList);
    document.put("errors", errorList);
    PrintWriter output = spec.commandLine().getOut();
    output.println(
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
    output.flush();
  }

  /** A key file relative to the configuration directory, which keeps the table narrow. */
  private static String shown(Path directory, Path file) {
    return file.startsWith(directory) ? directory.relativize(file).toString() : file.toString();
  }
}
