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

  @Test
  void onlyTheLoadersCopiesInTheTemporaryDirectoryAreTaken() {
    Path tmp = Path.of("/tmp");
    List<String> maps =
        List.of(
            "7f1c2a000000-7f1c2a200000 r-xp 00000000 fe:00 131 /tmp/libwasmtime_jni_0.19.0_linux_x86_64123.so",
            "7f1c2a200000-7f1c2a400000 r--p 00200000 fe:00 131 /tmp/libwasmtime_jni_0.19.0_linux_x86_64123.so",
            "7f1c2b000000-7f1c2b100000 r-xp 00000000 fe:00 132 /usr/lib/weverywhere/libwasmtime_jni.so",
            "7f1c2c000000-7f1c2c100000 r-xp 00000000 fe:00 133 /tmp/libwasmtime_jni_0.19.0_linux_x86_64456.so (deleted)",
            "7f1c2d000000-7f1c2d100000 r-xp 00000000 fe:00 134 /tmp/libzstd-jni-1.5.so",
            "7f1c2e000000-7f1c2e100000 rw-p 00000000 00:00 0 [heap]",
            "7f1c2f000000-7f1c2f100000 rw-p 00000000 00:00 0");
    assertEquals(
        List.of(Path.of("/tmp/libwasmtime_jni_0.19.0_linux_x86_64123.so")),
        WasmtimeNativeLibrary.extractedCopies(maps, tmp));
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
