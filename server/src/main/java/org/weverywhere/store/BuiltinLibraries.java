package org.weverywhere.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.weverywhere.wasm.ModuleParser;
import org.weverywhere.wasm.WasmFormatException;

/**
 * The probe modules every daemon ships (sysinfo, probe-load, probe-memory, probe-disk): built from
 * example-programs/ at build time and packed into the server beside this class, listed in {@code
 * builtin/INDEX}. They are kept in memory, never written to the store, so turning them off ({@code
 * libraries.builtin = false}) leaves nothing behind.
 */
public final class BuiltinLibraries {
  static final String FOLDER = "builtin/";

  /** One shipped module: its library (name, version, hash) and bytes. */
  public record Builtin(Library library, byte[] bytes) {}

  private BuiltinLibraries() {}

  /** Every module named in the index found beside this class; a missing one is a build fault. */
  public static List<Builtin> shipped() {
    return load(BuiltinLibraries.class, FOLDER);
  }

  static List<Builtin> load(Class<?> anchor, String folder) {
    List<Builtin> found = new ArrayList<>();
    for (String file : index(anchor, folder)) {
      byte[] bytes = read(anchor, folder + file);
      try {
        var info = new ModuleParser().parse(new ByteArrayInputStream(bytes), bytes.length);
        found.add(new Builtin(Library.of(info), bytes));
      } catch (WasmFormatException bad) {
        throw new StoreException(
            org.weverywhere.ErrorCode.STORE_BUILTIN_MISSING,
            "built-in library " + file + " is not a WebAssembly module: " + bad.getMessage(),
            bad);
      }
    }
    return List.copyOf(found);
  }

  /** Those of {@code all} to offer: none when off, else all but the names in {@code disabled}. */
  public static List<Builtin> chosen(List<Builtin> all, boolean enabled, Set<String> disabled) {
    return enabled
        ? all.stream().filter(b -> !disabled.contains(b.library().name())).toList()
        : List.of();
  }

  private static List<String> index(Class<?> anchor, String folder) {
    String text = new String(read(anchor, folder + "INDEX"), StandardCharsets.UTF_8);
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static byte[] read(Class<?> anchor, String resource) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new StoreException(
            org.weverywhere.ErrorCode.STORE_BUILTIN_MISSING,
            "built-in library resource "
                + resource
                + " is missing from this build (was it built with -DskipExamples?)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in " + resource + ": " + e.getMessage(), e);
    }
  }
}
