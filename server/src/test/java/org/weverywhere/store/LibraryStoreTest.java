package org.weverywhere.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;

class LibraryStoreTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final long LIMIT = 1024 * 1024;

  @TempDir Path state;

  private Path storeDir() {
    return state.resolve("store/modules");
  }

  private static byte[] example(String name) throws IOException {
    return Files.readAllBytes(EXAMPLES.resolve(name));
  }

  @Test
  void publishedModulesAreNamedByTheirMetadataAndKeptOnceByHash() throws IOException {
    var store = LibraryStore.open(storeDir(), LIMIT);
    Library math = store.publish(example("math.wasi"));
    Library again = store.publish(example("math.wasi"));

    assertEquals("math", math.name());
    assertEquals("1.0.0", math.version());
    assertEquals(math, again);
    assertEquals(
        List.of(math.sha256() + ".wasm"),
        Files.list(storeDir()).map(p -> p.getFileName().toString()).toList());
    assertTrue(math.info().exportedFunction("add").isPresent());
  }

  @Test
  void modulesWithoutMetadataAreNamedByTheirNameSection() throws IOException {
    var store = LibraryStore.open(storeDir(), LIMIT);
    assertEquals("fib", store.publish(example("fib.wasi")).name());
  }

  @Test
  void survivesARestart() throws IOException {
    var first = LibraryStore.open(storeDir(), LIMIT);
    Library hello = first.publish(example("hello.wasi"));
    var reopened = LibraryStore.open(storeDir(), LIMIT);
    assertEquals(List.of(hello), reopened.list());
    assertEquals(List.of(), reopened.problems());
    assertTrue(java.util.Arrays.equals(example("hello.wasi"), reopened.bytes(hello.sha256())));
  }

  @Test
  void aTamperedFileIsQuarantinedNotOffered() throws IOException {
    var store = LibraryStore.open(storeDir(), LIMIT);
    Library math = store.publish(example("math.wasi"));
    Library fib = store.publish(example("fib.wasi"));
    Path file = storeDir().resolve(math.sha256() + ".wasm");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);

    var reopened = LibraryStore.open(storeDir(), LIMIT);

    assertEquals(List.of(fib), reopened.list());
    assertEquals(1, reopened.problems().size());
    assertEquals(ErrorCode.STORE_CORRUPT, reopened.problems().getFirst().code());
    assertTrue(
        reopened.problems().getFirst().getMessage().contains("content hashes to"),
        reopened.problems().getFirst().getMessage());
    assertTrue(Files.exists(state.resolve("store/quarantine/" + math.sha256() + ".wasm")));
  }

  @Test
  void garbageInTheStoreIsQuarantined() throws IOException {
    Files.createDirectories(storeDir());
    Files.writeString(storeDir().resolve("a".repeat(64) + ".wasm"), "not wasm");
    var store = LibraryStore.open(storeDir(), LIMIT);
    assertEquals(List.of(), store.list());
    assertTrue(store.problems().getFirst().getMessage().contains("no longer a readable module"));
  }

  @Test
  void refusesWhatIsNotAModuleOrTooLarge() throws IOException {
    var store = LibraryStore.open(storeDir(), 1000);
    var notWasm = assertThrows(StoreException.class, () -> store.publish("hello".getBytes()));
    assertEquals(ErrorCode.STORE_INVALID_MODULE, notWasm.code());
    Path big = state.resolve("big.wasi");
    Files.write(big, example("hello.wasi"));
    var tooLarge = assertThrows(StoreException.class, () -> store.publish(big));
    assertEquals(ErrorCode.STORE_TOO_LARGE, tooLarge.code());
    assertTrue(tooLarge.getMessage().startsWith(big + ": "), tooLarge.getMessage());
    assertEquals(List.of(), store.list());
  }

  @Test
  void aDirectoryIsPublishedDespiteABadFile() throws IOException {
    Path source = Files.createDirectory(state.resolve("libraries"));
    Files.write(source.resolve("math.wasi"), example("math.wasi"));
    Files.write(source.resolve("echo.wasi"), example("echo.wasi"));
    Files.writeString(source.resolve("broken.wasm"), "junk");
    Files.writeString(source.resolve("README"), "ignored");
    var store = LibraryStore.open(storeDir(), LIMIT);

    var failures = store.publishDirectory(source);

    assertEquals(List.of("echo", "math"), store.list().stream().map(Library::name).toList());
    assertEquals(1, failures.size());
    assertTrue(
        failures.getFirst().getMessage().startsWith(source.resolve("broken.wasm") + ": "),
        failures.getFirst().getMessage());
  }

  @Test
  void findsByHashPrefixNameAndVersion() throws IOException {
    var store = LibraryStore.open(storeDir(), LIMIT);
    Library math = store.publish(example("math.wasi"));
    store.publish(example("echo.wasi"));
    assertEquals(math, store.find(math.sha256()));
    assertEquals(math, store.find(math.sha256().substring(0, 8)));
    assertEquals(math, store.find("math"));
    assertEquals(math, store.find("math@1.0.0"));
    assertEquals(
        ErrorCode.STORE_NOT_FOUND,
        assertThrows(StoreException.class, () -> store.find("math@2")).code());
    assertEquals(
        ErrorCode.STORE_NOT_FOUND,
        assertThrows(StoreException.class, () -> store.find("nothing")).code());
  }

  @Test
  void removedLibrariesAreGoneFromDiskToo() throws IOException {
    var store = LibraryStore.open(storeDir(), LIMIT);
    Library math = store.publish(example("math.wasi"));
    assertTrue(store.remove(math.sha256()));
    assertFalse(store.remove(math.sha256()));
    assertEquals(List.of(), LibraryStore.open(storeDir(), LIMIT).list());
  }

  @Test
  void concurrentPublishersOfOneModuleLeaveOneFile() throws Exception {
    var store = LibraryStore.open(storeDir(), LIMIT);
    byte[] module = example("math.wasi");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Library>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        results.add(pool.submit(() -> store.publish(module)));
      }
      for (var result : results) {
        assertEquals("math", result.get(30, TimeUnit.SECONDS).name());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, Files.list(storeDir()).count());
    assertEquals(1, store.list().size());
  }
}
