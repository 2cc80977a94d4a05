package org.weverywhere.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigEntry;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.ConfigProblem;
import org.weverywhere.config.InvalidConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere config check}: the effective configuration as the daemon would see it (files,
 * then environment variables), or every error, one per line with file and line.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Print the effective configuration (key, value, source) or every error in it.",
      "Reads --config-dir, else $WEVERYWHERE_CONFIG_DIR, else /etc/weverywhere; the embedded sample when that directory does not exist."
    })
final class ConfigCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description = "Configuration directory to check.")
  Path configDir;

  @Option(names = "--json", description = "Print the effective configuration as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Map<String, String> environment = System.getenv();
    Config config;
    try {
      config =
          ConfigLoader.withEnvironment(environment)
              .load(ConfigLoader.locate(configDir, environment));
    } catch (InvalidConfigException invalid) {
      PrintWriter err = spec.commandLine().getErr();
      for (ConfigProblem problem : invalid.problems()) {
        err.println("weverywhere: " + problem + " [" + problem.code().code() + "]");
      }
      err.flush();
      return ExitStatus.FAILURE;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? json(config) : table(config));
    out.flush();
    return ExitStatus.OK;
  }

  private static String table(Config config) {
    List<String[]> rows = new ArrayList<>();
    for (ConfigEntry entry : config.entries()) {
      if (entry.text() != null) {
        rows.add(new String[] {entry.key(), entry.text(), entry.origin().toString()});
      } else {
        rows.add(
            new String[] {
              entry.key(), "(unset)", entry.origin() + ": " + entry.definition().unsetMeans()
            });
      }
    }
    int keyWidth = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    int valueWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      out.append(String.format("%-" + keyWidth + "s  %-" + valueWidth + "s  %s%n", (Object[]) row));
    }
    return out.toString();
  }

  private static String json(Config config) throws IOException {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (ConfigEntry entry : config.entries()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("key", entry.key());
      row.put("value", entry.text());
      row.put("source", entry.origin().toString());
      entries.add(row);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("location", config.location());
    document.put("entries", entries);
    return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document)
        + System.lineSeparator();
  }
}
