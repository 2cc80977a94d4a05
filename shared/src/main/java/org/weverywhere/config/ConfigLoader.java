package org.weverywhere.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.weverywhere.ErrorCode;
import org.weverywhere.trust.SignatureGroup;

/**
 * Builds the effective {@link Config}: {@code weverywhere.conf}, then {@code weverywhere.d/*.conf}
 * in lexical order, each later setting replacing an earlier one, then (optionally) what outranks
 * the files: environment variables the way MicroProfile Config maps them, or, in the daemon, the
 * MicroProfile Config's own sources above the files' ordinal. Every error of every file is
 * collected before anything is thrown.
 */
public final class ConfigLoader {
  /** Environment variable naming the configuration directory. */
  public static final String CONFIG_DIR_VARIABLE = "WEVERYWHERE_CONFIG_DIR";

  /** System property naming the configuration directory (the server's JVM options may set it). */
  public static final String CONFIG_DIR_PROPERTY = "weverywhere.config.dir";

  public static final Path DEFAULT_DIR = Path.of("/etc/weverywhere");
  public static final String MAIN_FILE = "weverywhere.conf";
  public static final String DROP_IN_DIR = "weverywhere.d";
  private static final String EMBEDDED = "embedded:";

  /** A value that outranks the files for one key, and where it came from (for its errors). */
  record Outranking(String value, Origin origin) {}

  /** For a key, the value that outranks the files, if any. */
  private final Function<String, Optional<Outranking>> outranking;

  private ConfigLoader(Function<String, Optional<Outranking>> outranking) {
    this.outranking = outranking;
  }

  /** A loader that reads only the files: MicroProfile Config applies the environment itself. */
  public static ConfigLoader filesOnly() {
    return new ConfigLoader(key -> Optional.empty());
  }

  /**
   * A loader that also applies these environment variables, as the daemon will see them: for the
   * CLI and the explorer, which read the files without a MicroProfile Config.
   */
  public static ConfigLoader withEnvironment(Map<String, String> environment) {
    Map<String, String> copy = Map.copyOf(environment);
    return new ConfigLoader(
        key ->
            environmentVariable(copy.keySet(), key)
                .map(
                    variable ->
                        new Outranking(copy.get(variable), new Origin.Environment(variable))));
  }

  /**
   * A loader whose files are outranked by whatever this MicroProfile Config holds above them
   * (environment variables 300, system properties 400, any source above {@link
   * WeverywhereConfigSource#ORDINAL}): the daemon's, so that its typed configuration and the values
   * beans inject agree, and a bad override is named by its variable or property.
   */
  public static ConfigLoader outrankedBy(org.eclipse.microprofile.config.Config config) {
    return new ConfigLoader(key -> OutrankingSources.find(config, key));
  }

  /**
   * The directory to read: the option if given, else the system property or variable, else
   * /etc/weverywhere.
   */
  public static Path locate(Path option, Map<String, String> environment) {
    if (option != null) {
      return option;
    }
    String property = System.getProperty(CONFIG_DIR_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String variable = environment.get(CONFIG_DIR_VARIABLE);
    return variable == null || variable.isBlank() ? DEFAULT_DIR : Path.of(variable);
  }

  /** Loads {@code dir}, or the embedded sample when {@code dir} does not exist at all. */
  public Config load(Path dir) {
    return load(dir, Map.of());
  }

  /**
   * Loads {@code dir} as it would be if each drop-in file in {@code pending} (a path inside {@code
   * weverywhere.d}) had that content: how a change is checked whole before it is written.
   */
  public Config load(Path dir, Map<Path, byte[]> pending) {
    if (!Files.exists(dir)) {
      return loadEmbedded();
    }
    Problems problems = new Problems();
    List<ConfigFileText> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      problems.add(
          new Origin.InFile(dir.toString(), 0), ErrorCode.IO_UNREADABLE, "not a directory");
      throw new InvalidConfigException(problems.list());
    }
    read(dir.resolve(MAIN_FILE), problems).ifPresent(files::add);
    List<Path> dropIns = dropIns(dir.resolve(DROP_IN_DIR), problems);
    pending.keySet().stream().filter(p -> !dropIns.contains(p)).forEach(dropIns::add);
    dropIns.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    for (Path dropIn : dropIns) {
      byte[] content = pending.get(dropIn);
      if (content != null) {
        files.add(new ConfigFileText(dropIn.toString(), content));
      } else {
        read(dropIn, problems).ifPresent(files::add);
      }
    }
    return merge(dir.toString(), files, problems);
  }

  /** Loads the sample configuration embedded in the jar. */
  public Config loadEmbedded() {
    List<ConfigFileText> files = new ArrayList<>();
    List<String> names = SampleConfig.files();
    if (names.contains(MAIN_FILE)) {
      files.add(new ConfigFileText(EMBEDDED + MAIN_FILE, SampleConfig.read(MAIN_FILE)));
    }
    names.stream()
        .filter(
            name ->
                name.startsWith(DROP_IN_DIR + "/")
                    && name.endsWith(".conf")
                    && name.indexOf('/', DROP_IN_DIR.length() + 1) < 0)
        .sorted()
        .forEach(name -> files.add(new ConfigFileText(EMBEDDED + name, SampleConfig.read(name))));
    return merge("embedded sample", files, new Problems());
  }

  private record ConfigFileText(String name, byte[] content) {}

  private static List<Path> dropIns(Path dir, Problems problems) {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.conf")) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry)) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      problems.add(
          new Origin.InFile(dir.toString(), 0),
          ErrorCode.IO_UNREADABLE,
          "cannot list: " + e.getMessage());
    }
    // lexical by file name, as in systemd and sudoers drop-ins: 10-x.conf before 20-y.conf
    found.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return found;
  }

  private static Optional<ConfigFileText> read(Path file, Problems problems) {
    try (InputStream in = Files.newInputStream(file)) {
      // one byte more than allowed is enough to know it is too large
      byte[] content = in.readNBytes(ConfigFileParser.MAX_FILE_BYTES + 1);
      return Optional.of(new ConfigFileText(file.toString(), content));
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    } catch (IOException e) {
      problems.add(
          new Origin.InFile(file.toString(), 0), ErrorCode.IO_UNREADABLE, "cannot read: " + e);
      return Optional.empty();
    }
  }

  private Config merge(String location, List<ConfigFileText> files, Problems problems) {
    Map<String, ConfigEntry> set = new HashMap<>();
    for (ConfigFileText file : files) {
      Map<String, Integer> seenInFile = new HashMap<>();
      ConfigFileParser.parse(
          file.name(),
          file.content(),
          problems,
          line -> {
            Integer earlier = seenInFile.putIfAbsent(line.key(), line.origin().line());
            if (earlier != null) {
              problems.add(
                  line.origin(),
                  ErrorCode.CONFIG_SYNTAX,
                  "'" + line.key() + "' is already set on line " + earlier);
            } else {
              typed(line.key(), line.value(), line.origin(), problems)
                  .ifPresent(entry -> set.put(entry.key(), entry));
            }
          });
    }
    applyOutranking(set, problems);
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems.list());
    }
    return new Config(location, set);
  }

  private void applyOutranking(Map<String, ConfigEntry> set, Problems problems) {
    Map<String, ConfigKey<?>> names = new LinkedHashMap<>();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      if (!key.isPattern() && !key.isServicePattern()) {
        names.put(key.name(), key);
      }
    }
    // the groups and services the files name: their keys are looked up like any other
    for (String group : Config.groupsIn(set.keySet())) {
      for (ConfigKey<?> key : ConfigKeys.all()) {
        if (key.isPattern()) {
          names.putIfAbsent(key.forGroup(group), key);
        }
      }
    }
    for (String service : Config.servicesIn(set.keySet())) {
      for (ConfigKey<?> key : ConfigKeys.all()) {
        if (key.isServicePattern()) {
          names.putIfAbsent(key.forService(service), key);
        }
      }
    }
    for (String name : names.keySet()) {
      outranking
          .apply(name)
          .ifPresent(
              above ->
                  typed(name, above.value(), above.origin(), problems)
                      .ifPresent(entry -> set.put(name, entry)));
    }
  }

  /**
   * MicroProfile Config's lookup order for a property in the environment: exact, sanitized, upper
   * case.
   */
  static Optional<String> environmentVariable(java.util.Set<String> variables, String name) {
    String sanitized = name.replaceAll("[^A-Za-z0-9]", "_");
    for (String candidate :
        List.of(name, sanitized, sanitized.toUpperCase(java.util.Locale.ROOT))) {
      if (variables.contains(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Optional<ConfigEntry> typed(
      String key, String value, Origin origin, Problems problems) {
    Optional<String> group = ConfigKeys.groupOf(key);
    if (group.isPresent() && !SignatureGroup.isValidName(group.get())) {
      problems.add(
          origin,
          ErrorCode.GROUP_INVALID,
          "'"
              + ValueText.quote(group.get())
              + "' is not a group name: 1 to 64 letters, digits, '-' or '_'");
      return Optional.empty();
    }
    Optional<String> service = ConfigKeys.serviceOf(key);
    if (service.isPresent() && !ConfigKeys.isValidServiceName(service.get())) {
      problems.add(
          origin,
          ErrorCode.CONFIG_BAD_VALUE,
          "'"
              + ValueText.quote(service.get())
              + "' is not a service name: 1 to 64 letters, digits, '-' or '_'");
      return Optional.empty();
    }
    Optional<ConfigKeys.Resolved> resolved = ConfigKeys.resolve(key);
    if (resolved.isEmpty()) {
      String hint = ConfigKeys.suggest(key).map(s -> " (did you mean '" + s + "'?)").orElse("");
      problems.add(
          origin,
          ErrorCode.CONFIG_UNKNOWN_KEY,
          "unknown key '" + ValueText.quote(key) + "'" + hint);
      return Optional.empty();
    }
    ConfigKey<?> definition = resolved.get().key();
    try {
      return Optional.of(new ConfigEntry(key, definition, definition.type().parse(value), origin));
    } catch (InvalidValueException bad) {
      problems.add(origin, ErrorCode.CONFIG_BAD_VALUE, key + ": " + bad.getMessage());
      return Optional.empty();
    }
  }
}
