package org.weverywhere.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.weverywhere.ErrorCode;
import org.weverywhere.wasm.ModuleInfo;
import org.weverywhere.wasm.ModuleParser;
import org.weverywhere.wasm.WasmFormatException;

/**
 * The Libraries this host offers, content-addressed: each module is kept once, as {@code
 * <dir>/<sha256>.wasm}, whatever it was called and however often it was published.
 *
 * <p>Files are written to a temporary name and moved into place, so a crash never leaves a partial
 * module under a hash name. On open every stored file is re-hashed and re-read; one that no longer
 * matches its name is moved to {@code quarantine/} beside the store, reported, and not offered.
 */
public final class LibraryStore {
  private static final Logger LOG = Logger.getLogger(LibraryStore.class.getName());
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HASH_PREFIX = Pattern.compile("[0-9a-f]{8,64}");
  private static final String SUFFIX = ".wasm";

  private final Path dir;
  private final long maxModuleSize;
  private final ModuleParser parser = new ModuleParser();
  private final Map<String, Library> libraries = new ConcurrentHashMap<>();
  private final List<StoreException> problems = new ArrayList<>();

  /**
   * Shipped modules offered beside the stored ones, by hash; replaced whole by {@link
   * #offerBuiltins}.
   */
  private volatile Map<String, BuiltinLibraries.Builtin> builtins = Map.of();

  private LibraryStore(Path dir, long maxModuleSize) {
    this.dir = dir;
    this.maxModuleSize = maxModuleSize;
  }

  /** Opens (creating if needed) the store in {@code dir} and loads what it holds. */
  public static LibraryStore open(Path dir, long maxModuleSize) {
    var store = new LibraryStore(dir, maxModuleSize);
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path file : files) {
          store.load(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the library store " + dir + ": " + e.getMessage(), e);
    }
    return store;
  }

  private void load(Path file) throws IOException {
    String expected = file.getFileName().toString().replace(SUFFIX, "");
    try {
      if (!HASH.matcher(expected).matches()) {
        throw corrupt(file, "its name is not a SHA-256");
      }
      ModuleInfo info = parser.parse(file);
      if (!info.sha256().equals(expected)) {
        throw corrupt(file, "its content hashes to " + info.sha256());
      }
      libraries.put(info.sha256(), Library.of(info));
    } catch (WasmFormatException | StoreException bad) {
      Path quarantine = dir.resolveSibling("quarantine");
      Files.createDirectories(quarantine);
      Files.move(file, quarantine.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      var problem =
          bad instanceof StoreException s
              ? s
              : corrupt(file, "it is no longer a readable module: " + bad.getMessage());
      problems.add(problem);
      LOG.warning(problem.getMessage());
    }
  }

  private static StoreException corrupt(Path file, String why) {
    return new StoreException(
        ErrorCode.STORE_CORRUPT, file + ": " + why + "; moved to quarantine/ and not offered");
  }

  /** Adds a module (kept once, by hash) and returns it as a Library. */
  public Library publish(byte[] module) {
    if (module.length > maxModuleSize) {
      throw tooLarge("module", module.length);
    }
    ModuleInfo info;
    try {
      info = parser.parse(new ByteArrayInputStream(module), module.length);
    } catch (WasmFormatException bad) {
      throw new StoreException(
          ErrorCode.STORE_INVALID_MODULE, "not a WebAssembly module: " + bad.getMessage(), bad);
    }
    Library library = Library.of(info);
    Library existing = libraries.get(info.sha256());
    if (existing != null) {
      return existing;
    }
    write(info.sha256(), module);
    libraries.put(info.sha256(), library);
    return library;
  }

  /** Publishes a module file; its size is checked before a byte of it is read. */
  public Library publish(Path file) {
    try {
      long size = Files.size(file);
      if (size > maxModuleSize) {
        throw tooLarge(file.toString(), size);
      }
      return publish(Files.readAllBytes(file));
    } catch (StoreException e) {
      throw new StoreException(e.code(), file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Publishes every {@code *.wasm} and {@code *.wasi} directly in {@code source}; a bad one is
   * reported and skipped, the others still published.
   */
  public List<StoreException> publishDirectory(Path source) {
    List<StoreException> failures = new ArrayList<>();
    List<Path> files;
    try (var listing = Files.list(source)) {
      files =
          listing
              .filter(f -> f.toString().endsWith(".wasm") || f.toString().endsWith(".wasi"))
              .sorted()
              .toList();
    } catch (IOException e) {
      failures.add(
          new StoreException(
              ErrorCode.IO_UNREADABLE,
              source + ": cannot list the libraries directory: " + e.getMessage(),
              e));
      return failures;
    }
    for (Path file : files) {
      try {
        publish(file);
      } catch (StoreException | UncheckedIOException e) {
        failures.add(
            e instanceof StoreException s
                ? s
                : new StoreException(ErrorCode.IO_UNREADABLE, e.getMessage(), e));
      }
    }
    return failures;
  }

  private StoreException tooLarge(String what, long size) {
    return new StoreException(
        ErrorCode.STORE_TOO_LARGE,
        what
            + " has "
            + size
            + " bytes, more than libraries.max-module-size ("
            + maxModuleSize
            + ")");
  }

  private void write(String sha256, byte[] module) {
    Path target = dir.resolve(sha256 + SUFFIX);
    try {
      Path temp = Files.createTempFile(dir, ".publish-", ".tmp");
      try {
        Files.write(temp, module);
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Offers these built-in libraries from now on, in place of those offered before. They stay in
   * memory; one whose name a stored library also has is hidden by it (a host owner replaces a probe
   * by publishing their own under the same name).
   */
  public void offerBuiltins(List<BuiltinLibraries.Builtin> offered) {
    Map<String, BuiltinLibraries.Builtin> next = new java.util.LinkedHashMap<>();
    offered.forEach(b -> next.put(b.library().sha256(), b));
    builtins = Map.copyOf(next);
  }

  /** The built-in libraries offered now: not turned off and not replaced by a stored one. */
  public List<Library> builtins() {
    return visibleBuiltins().values().stream()
        .map(BuiltinLibraries.Builtin::library)
        .sorted(Comparator.comparing(Library::name))
        .toList();
  }

  private Map<String, BuiltinLibraries.Builtin> visibleBuiltins() {
    Map<String, BuiltinLibraries.Builtin> shipped = builtins;
    if (shipped.isEmpty()) {
      return shipped;
    }
    java.util.Set<String> storedNames = new java.util.HashSet<>();
    libraries.values().forEach(l -> storedNames.add(l.name()));
    Map<String, BuiltinLibraries.Builtin> visible = new java.util.HashMap<>();
    shipped.forEach(
        (sha, b) -> {
          if (!storedNames.contains(b.library().name()) && !libraries.containsKey(sha)) {
            visible.put(sha, b);
          }
        });
    return visible;
  }

  /** Stops offering a library and deletes its file; false when there was none. */
  public boolean remove(String sha256) {
    BuiltinLibraries.Builtin builtin = visibleBuiltins().get(sha256);
    if (builtin != null) {
      throw new StoreException(
          ErrorCode.STORE_BUILTIN_FIXED,
          builtin.library().name()
              + " is built into this daemon: turn it off with libraries.builtin.disabled = "
              + builtin.library().name()
              + " (or all of them with libraries.builtin = false), or replace it by publishing a library of that name");
    }
    Library removed = libraries.remove(sha256);
    if (removed == null) {
      return false;
    }
    try {
      Files.deleteIfExists(dir.resolve(sha256 + SUFFIX));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + sha256 + SUFFIX + ": " + e.getMessage(), e);
    }
    return true;
  }

  /** Every library, stored and built in, by name then version then hash. */
  public List<Library> list() {
    return java.util.stream.Stream.concat(
            libraries.values().stream(),
            visibleBuiltins().values().stream().map(BuiltinLibraries.Builtin::library))
        .sorted(
            Comparator.comparing(Library::name)
                .thenComparing(Library::version)
                .thenComparing(Library::sha256))
        .toList();
  }

  public Optional<Library> get(String sha256) {
    return Optional.ofNullable(libraries.get(sha256))
        .or(
            () ->
                Optional.ofNullable(visibleBuiltins().get(sha256))
                    .map(BuiltinLibraries.Builtin::library));
  }

  /**
   * The one library a user means: a full hash, a unique hash prefix of at least 8 hex digits,
   * {@code name} (when only one version is offered) or {@code name@version}.
   */
  public Library find(String query) {
    List<Library> matches;
    if (HASH_PREFIX.matcher(query).matches()) {
      matches = list().stream().filter(l -> l.sha256().startsWith(query)).toList();
    } else {
      int at = query.indexOf('@');
      String name = at < 0 ? query : query.substring(0, at);
      matches =
          list().stream()
              .filter(
                  l ->
                      l.name().equals(name)
                          && (at < 0 || l.version().equals(query.substring(at + 1))))
              .toList();
    }
    if (matches.isEmpty()) {
      throw new StoreException(
          ErrorCode.STORE_NOT_FOUND, "no library '" + query + "' on this host");
    }
    if (matches.size() > 1) {
      throw new StoreException(
          ErrorCode.STORE_AMBIGUOUS,
          "'"
              + query
              + "' matches "
              + matches.stream().map(l -> l.label() + " " + l.sha256().substring(0, 12)).toList()
              + "; give name@version or more of the hash");
    }
    return matches.getFirst();
  }

  /** The module's bytes, as published. */
  public byte[] bytes(String sha256) {
    BuiltinLibraries.Builtin builtin =
        libraries.containsKey(sha256) ? null : visibleBuiltins().get(sha256);
    if (builtin != null) {
      return builtin.bytes().clone();
    }
    if (!libraries.containsKey(sha256)) {
      throw new StoreException(ErrorCode.STORE_NOT_FOUND, "no library " + sha256 + " on this host");
    }
    try {
      return Files.readAllBytes(dir.resolve(sha256 + SUFFIX));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read library " + sha256 + ": " + e.getMessage(), e);
    }
  }

  /** Files found corrupt when the store was opened. */
  public List<StoreException> problems() {
    return List.copyOf(problems);
  }
}
