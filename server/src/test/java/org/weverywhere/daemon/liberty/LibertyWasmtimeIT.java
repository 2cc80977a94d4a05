package org.weverywhere.daemon.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.weverywhere.config.Engine;
import org.weverywhere.protocol.Message;

/**
 * Wasmtime under Liberty, where wasmtime-java is a shared library with a class loader of its own:
 * its JNI library must be loaded by that loader, or its native methods stay unlinked (a first
 * version of {@code WasmtimeNativeLibrary} loaded it from the application's loader, and every
 * execution was answered 500). The flat class path of the unit tests cannot show that. And the copy
 * the loader extracted is deleted once mapped, not left in the temporary directory.
 */
class LibertyWasmtimeIT {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @Test
  void wasmtimeExecutesUnderLibertyAndLeavesNoCopyOfItsLibrary() throws Exception {
    try (var daemon =
        LibertyDaemon.builder()
            .name("wasmtime")
            .engine(Engine.WASMTIME)
            .line("group.anonymous.privileges = execute")
            .library(EXAMPLES.resolve("math.wasi"))
            .readyTimeout(Duration.ofMinutes(10))
            .start()) {
      var bulk = LibertyDaemon.bulkClient();
      Message reply =
          bulk.request(
                  daemon.httpBase(),
                  daemon.nodeId(),
                  new Message.Execute(
                      new Message.LibraryTarget("math"),
                      new Message.Call(
                          "add", List.of(Message.WasmValue.i32(2), Message.WasmValue.i32(40)))))
              .message();
      Message.Result result = assertInstanceOf(Message.Result.class, reply, reply.toString());
      assertEquals("completed", result.outcome());
      assertEquals(List.of(Message.WasmValue.i32(42)), result.values());

      List<String> mapped =
          Files.readAllLines(Path.of("/proc", Long.toString(daemon.pid()), "maps")).stream()
              .filter(line -> line.contains("libwasmtime_jni"))
              .toList();
      assertFalse(mapped.isEmpty(), "the daemon did not map Wasmtime's library");
      assertEquals(
          List.of(),
          mapped.stream().filter(line -> !line.endsWith(" (deleted)")).toList(),
          "a copy of Wasmtime's library is left on disk");
    }
  }
}
