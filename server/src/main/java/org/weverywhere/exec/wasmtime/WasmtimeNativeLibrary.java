package org.weverywhere.exec.wasmtime;

import io.github.kawamuray.wasmtime.NativeLibraryLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * wasmtime-java's JNI library, loaded without leaving a copy behind. The library's own loader
 * extracts its 18 MB {@code .so} into {@code java.io.tmpdir} at every JVM start and never deletes
 * it, so each start of a daemon (and each test JVM) left 18 MB in {@code /tmp}: 21 copies on this
 * machine in a day. Here the library goes to a private temporary file that is deleted as soon as it
 * is loaded (Linux keeps the mapping and frees the bytes when the process ends), and
 * wasmtime-java's loader is told it is loaded. On a system other than Linux, or if that loader ever
 * changes shape, it is left to load the library its own way.
 */
final class WasmtimeNativeLibrary {
  private static final Logger LOG = Logger.getLogger(WasmtimeNativeLibrary.class.getName());
  private static boolean tried;

  private WasmtimeNativeLibrary() {}

  /** Loads the library once per JVM; later calls do nothing. */
  static synchronized void load() {
    if (tried) {
      return;
    }
    tried = true;
    String resource = resourceName();
    Field loaded;
    try {
      // wasmtime-java 0.19.0, its last release: a private static flag its classes' static
      // initialisers check before loading
      loaded = NativeLibraryLoader.class.getDeclaredField("loaded");
      loaded.setAccessible(true);
      if (resource == null || loaded.getBoolean(null)) {
        return;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.FINE, "wasmtime-java loads its JNI library its own way", e);
      return;
    }
    try (InputStream bytes = NativeLibraryLoader.class.getResourceAsStream(resource)) {
      if (bytes == null) {
        return; // not this platform's build: the library's loader says so in its own words
      }
      Path copy =
          Files.createTempFile(
              "wasmtime_jni",
              ".so",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      try {
        Files.copy(bytes, copy, StandardCopyOption.REPLACE_EXISTING);
        System.load(copy.toString());
        loaded.setBoolean(null, true);
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract Wasmtime's JNI library " + resource, e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("wasmtime-java's loader flag became read-only", e);
    }
  }

  /** The library's name in wasmtime-java's jar on Linux, null on other systems. */
  static String resourceName() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch =
        switch (System.getProperty("os.arch", "")) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64" -> "aarch64";
          default -> null;
        };
    if (!os.startsWith("linux") || arch == null) {
      return null;
    }
    return "/libwasmtime_jni_" + version() + "_linux_" + arch + ".so";
  }

  private static String version() {
    try (InputStream meta =
        NativeLibraryLoader.class.getResourceAsStream("/wasmtime-java-meta.properties")) {
      Properties properties = new Properties();
      if (meta != null) {
        properties.load(meta);
      }
      return properties.getProperty("jnilib.version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read wasmtime-java's metadata", e);
    }
  }
}
