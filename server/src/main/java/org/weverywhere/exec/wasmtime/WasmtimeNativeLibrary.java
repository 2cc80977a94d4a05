package org.weverywhere.exec.wasmtime;

import io.github.kawamuray.wasmtime.NativeLibraryLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * wasmtime-java's JNI library, loaded without leaving a copy behind. The library's own loader
 * extracts its 18 MB {@code .so} into {@code java.io.tmpdir} at every JVM start and never deletes
 * it, so each start of a daemon (and each test JVM) left 18 MB in {@code /tmp}: 21 copies on this
 * machine in a day.
 *
 * <p>The loader itself must load it: a JNI library belongs to the class loader of the class that
 * called {@code System.load}, and under Liberty wasmtime-java is a shared library with a loader of
 * its own, so a load from here would leave its native methods unlinked. So this asks the loader to
 * load, then finds the file the process mapped ({@code /proc/self/maps}, exactly this process's
 * copy, never another JVM's that is being extracted) and deletes it; Linux keeps the mapping until
 * the process ends. A library found on {@code java.library.path} is not in the temporary directory
 * and is left alone.
 */
final class WasmtimeNativeLibrary {
  private static final Logger LOG = Logger.getLogger(WasmtimeNativeLibrary.class.getName());
  private static final Path MAPS = Path.of("/proc/self/maps");
  private static boolean done;

  private WasmtimeNativeLibrary() {}

  /**
   * Loads the library once per JVM and deletes the copy the loader extracted; later calls do
   * nothing.
   */
  static synchronized void load() {
    if (done) {
      return;
    }
    done = true;
    NativeLibraryLoader.load();
    if (!Files.isReadable(MAPS)) {
      return; // not Linux: the loader's copy stays where it put it
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try {
      tmp = tmp.toRealPath(); // the maps name files by their real paths
      for (Path copy : extractedCopies(Files.readAllLines(MAPS), tmp)) {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete the copy of Wasmtime's JNI library in " + tmp, e);
    }
  }

  /**
   * The files in {@code tmp} named as wasmtime-java's loader names its copies ({@code
   * libwasmtime_jni_<version>_<os>_<arch><random>.so}) that lines of {@code /proc/self/maps} show
   * mapped.
   */
  static List<Path> extractedCopies(List<String> maps, Path tmp) {
    return maps.stream()
        .map(line -> line.indexOf('/') < 0 ? "" : line.substring(line.indexOf('/')).strip())
        .filter(path -> !path.isEmpty() && !path.endsWith(" (deleted)"))
        .map(Path::of)
        .filter(path -> tmp.equals(path.getParent()))
        .filter(
            path -> {
              String name = path.getFileName().toString();
              return name.startsWith("libwasmtime_jni_") && name.endsWith(".so");
            })
        .distinct()
        .toList();
  }
}
