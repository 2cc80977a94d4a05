package org.weverywhere.exec.wasmtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.kawamuray.wasmtime.Engine;
import io.github.kawamuray.wasmtime.Module;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that runs Wasmtime leaves nothing in its temporary directory, and its native methods link.
 * Each case starts a fresh JVM, since a library is loaded once per JVM.
 */
class WasmtimeNativeLibraryTest {
  @TempDir Path tmp;

  @Test
  void wasmtimeRunsAndNoCopyOfItsLibraryIsLeftBehind() throws Exception {
    assertEquals("compiled an empty module", inFreshJvm("ours"));
    assertEquals(List.of(), leftIn(tmp));
  }

  /** What the test guards against: wasmtime-java's own loader leaves 18 MB per JVM. */
  @Test
  void wasmtimeJavasOwnLoaderLeavesACopy() throws Exception {
    assertEquals("compiled an empty module", inFreshJvm("theirs"));
    List<String> left = leftIn(tmp);
    assertEquals(1, left.size(), left.toString());
    assertTrue(left.getFirst().startsWith("libwasmtime_jni_"), left.toString());
  }

  private String inFreshJvm(String loader) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                FreshJvm.class.getName(),
                loader)
            .redirectErrorStream(true)
            .start();
    child.getOutputStream().close();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
    assertEquals(0, child.exitValue(), out);
    return out.lines().reduce((first, last) -> last).orElse("");
  }

  private static List<String> leftIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> !name.startsWith("hsperfdata_"))
          .toList();
    }
  }

  /** The child: loads the library as told, then compiles a module through JNI. */
  static final class FreshJvm {
    public static void main(String[] args) {
      if (args[0].equals("ours")) {
        WasmtimeNativeLibrary.load();
      }
      byte[] emptyModule = {0, 'a', 's', 'm', 1, 0, 0, 0};
      try (Engine engine = new Engine();
          Module module = Module.fromBinary(engine, emptyModule)) {
        System.out.println("compiled an empty module");
      }
    }
  }
}
