package org.weverywhere.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.wasm.CallSignature;

/**
 * The typed signatures of the library functions this user called, per daemon, so that {@code run
 * --peer PEER LIBRARY --function F ARGS} types its arguments without describing the daemon first:
 * one round trip of three fewer (docs/PERFORMANCE.md, "Fourth round").
 *
 * <p>An entry is only a hint. The daemon checks every call's argument types against the library it
 * has, before anything runs and before the request key is taken (PROTOCOL.md §4, §4b: {@code
 * WE2010}/{@code WE2011}); {@link RunCommand} answers a refused call typed from here by describing
 * the daemon and, when the signature changed, calling again. So a stale, damaged or planted file
 * costs a round trip, never a call with other types than the library's. A file that cannot be read
 * is ignored whole; one that cannot be written only goes unsaved.
 *
 * <p>One line per function: node id, library, function, parameter types, result types, separated by
 * tabs, types by commas. Newest last; at most {@link #MAX_ENTRIES} lines and {@link #MAX_BYTES}
 * bytes are read.
 */
final class FunctionCache {
  /** A larger file is not read: it is not one this class wrote. */
  static final int MAX_BYTES = 64 * 1024;

  /** Lines kept; the oldest go first. */
  static final int MAX_ENTRIES = 256;

  private static final Set<String> TYPES =
      Set.of("i32", "i64", "f32", "f64", CallSignature.BYTES, CallSignature.STRING);

  /** A function has at most this many parameters or results here; more is not a line we wrote. */
  private static final int MAX_TYPES = 64;

  private final Path file;

  FunctionCache(Path file) {
    this.file = file;
  }

  /**
   * The user's cache: {@code weverywhere.cache.dir} (tests), else {@code
   * $XDG_CACHE_HOME/weverywhere}, else {@code ~/.cache/weverywhere}; the file {@code functions}
   * there.
   */
  static FunctionCache ofUser() {
    String chosen = System.getProperty("weverywhere.cache.dir");
    if (chosen == null || chosen.isEmpty()) {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path base =
          xdg != null && Path.of(xdg).isAbsolute()
              ? Path.of(xdg)
              : Path.of(System.getProperty("user.home"), ".cache");
      return new FunctionCache(base.resolve("weverywhere").resolve("functions"));
    }
    return new FunctionCache(Path.of(chosen).resolve("functions"));
  }

  Path file() {
    return file;
  }

  /** The signature remembered for {@code function} of {@code library} on {@code node}. */
  Optional<CallSignature> find(Fingerprint node, String library, String function) {
    String key = key(node, library, function);
    Optional<CallSignature> found = Optional.empty();
    for (String line : lines()) {
      if (line.startsWith(key)) {
        found = signature(line.substring(key.length()));
      }
    }
    return found;
  }

  /**
   * Remembers {@code signature} for {@code function} of {@code library} on {@code node}; {@code
   * false} when it could not be written (the run goes on without it).
   */
  boolean remember(Fingerprint node, String library, String function, CallSignature signature) {
    if (!storable(library) || !storable(function)) {
      return false; // a tab or line break in a name would break the line apart
    }
    String key = key(node, library, function);
    List<String> kept = new ArrayList<>();
    for (String line : lines()) {
      if (!line.startsWith(key)) {
        kept.add(line);
      }
    }
    kept.add(
        key + String.join(",", signature.params()) + "\t" + String.join(",", signature.results()));
    List<String> newest = kept.subList(Math.max(0, kept.size() - MAX_ENTRIES), kept.size());
    try {
      Files.createDirectories(file.getParent());
      Path written = Files.createTempFile(file.getParent(), ".functions", ".tmp");
      try {
        Files.write(written, newest, StandardCharsets.UTF_8);
        move(written);
      } finally {
        Files.deleteIfExists(written);
      }
      return true;
    } catch (IOException | SecurityException unwritable) {
      return false;
    }
  }

  private void move(Path written) throws IOException {
    try {
      // whole or not at all: two runs writing at once leave one of their files, never a mix
      Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException notHere) {
      Files.move(written, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The file's lines, or none when it is missing, not a regular file, too large or unreadable. */
  private List<String> lines() {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_BYTES) {
        return List.of();
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return lines.subList(Math.max(0, lines.size() - MAX_ENTRIES), lines.size());
    } catch (IOException | SecurityException unreadable) {
      // not valid UTF-8, removed meanwhile, not ours to read: as if there were none
      return List.of();
    }
  }

  private static String key(Fingerprint node, String library, String function) {
    return node + "\t" + library + "\t" + function + "\t";
  }

  private static boolean storable(String name) {
    return !name.isEmpty() && name.chars().noneMatch(c -> c == '\t' || c == '\n' || c == '\r');
  }

  /** {@code PARAMS<tab>RESULTS}, each a comma-separated list of known types (maybe empty). */
  private static Optional<CallSignature> signature(String text) {
    int tab = text.indexOf('\t');
    if (tab < 0 || text.indexOf('\t', tab + 1) >= 0) {
      return Optional.empty();
    }
    Optional<List<String>> params = types(text.substring(0, tab));
    Optional<List<String>> results = types(text.substring(tab + 1));
    return params.isPresent() && results.isPresent()
        ? Optional.of(new CallSignature(params.get(), results.get()))
        : Optional.empty();
  }

  private static Optional<List<String>> types(String text) {
    if (text.isEmpty()) {
      return Optional.of(List.of());
    }
    List<String> types = Arrays.asList(text.split(",", -1));
    return types.size() <= MAX_TYPES && TYPES.containsAll(types)
        ? Optional.of(types)
        : Optional.empty();
  }
}
