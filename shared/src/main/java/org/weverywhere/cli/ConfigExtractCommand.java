package org.weverywhere.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.SampleConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code weverywhere config extract}: writes the embedded sample configuration out. It checks every
 * target before writing anything, so that a refusal leaves the directory as it was.
 */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description =
        "Write the sample configuration to a directory; existing files are kept unless --force.")
final class ConfigExtractCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--to",
      paramLabel = "DIR",
      description = "Target directory (default: ${DEFAULT-VALUE}).")
  Path to = ConfigLoader.DEFAULT_DIR;

  @Option(names = "--force", description = "Overwrite files that already exist.")
  boolean force;

  @Option(names = "--json", description = "Print the written files as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Path root = to.toAbsolutePath().normalize();
    List<Path> targets = new ArrayList<>();
    List<Path> existing = new ArrayList<>();
    for (String file : SampleConfig.files()) {
      Path target = root.resolve(file).normalize();
      if (!target.startsWith(root)) {
        throw new IllegalStateException("embedded file outside the sample: " + file);
      }
      targets.add(target);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        existing.add(target);
      }
    }
    if (!existing.isEmpty() && !force) {
      String more = existing.size() > 1 ? " (and " + (existing.size() - 1) + " more)" : "";
      throw new WeverywhereException(
          ErrorCode.IO_EXISTS,
          existing.get(0)
              + " already exists"
              + more
              + "; nothing written (use --force to overwrite)");
    }
    List<String> written = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Path target = targets.get(i);
      write(target, SampleConfig.read(SampleConfig.files().get(i)));
      written.add(target.toString());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(java.util.Map.of("written", written)));
    } else {
      written.forEach(out::println);
    }
    out.flush();
    return ExitStatus.OK;
  }

  /** The JDK often puts only the path in the message; the exception's kind is the reason. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return switch (e) {
      case java.nio.file.AccessDeniedException denied -> "permission denied";
      case java.nio.file.NoSuchFileException absent ->
          "no such file or directory: " + absent.getFile();
      case java.nio.file.FileAlreadyExistsException exists ->
          "exists and is not a directory: " + exists.getFile();
      default -> String.valueOf(e.getMessage());
    };
  }

  private static void write(Path target, byte[] content) {
    try {
      Files.createDirectories(target.getParent());
      Files.write(target, content);
    } catch (IOException e) {
      throw new WeverywhereException(
          ErrorCode.IO_UNWRITABLE, "cannot write " + target + ": " + reason(e), e);
    }
  }
}
