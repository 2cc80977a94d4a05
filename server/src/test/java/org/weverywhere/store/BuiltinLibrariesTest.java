package org.weverywhere.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;

/**
 * The probes this build ships, as the daemon offers them: embedded (the same bytes as the example
 * programs), listed beside the stored libraries, turned off by name or all at once, replaced by a
 * stored library of the same name, and never removed by unpublish.
 */
class BuiltinLibrariesTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @TempDir Path state;

  private LibraryStore store() {
    return LibraryStore.open(state.resolve("store/modules"), 1 << 20);
  }

  private static List<String> names(List<Library> libraries) {
    return libraries.stream().map(Library::name).toList();
  }

  @Test
  void theBuildShipsTheFourProbesAsCompiledFromExamplePrograms() throws IOException {
    List<BuiltinLibraries.Builtin> shipped = BuiltinLibraries.shipped();
    assertEquals(
        List.of("sysinfo", "probe-load", "probe-memory", "probe-disk"),
        shipped.stream().map(b -> b.library().name()).toList());
    for (BuiltinLibraries.Builtin builtin : shipped) {
      assertArrayEquals(
          Files.readAllBytes(EXAMPLES.resolve(builtin.library().name() + ".wasi")),
          builtin.bytes(),
          builtin.library().name());
      assertEquals("1.0.0", builtin.library().version());
    }
  }

  @Test
  void offeredBesideStoredLibrariesWithoutWritingThem() throws IOException {
    var store = store();
    Library math = store.publish(Files.readAllBytes(EXAMPLES.resolve("math.wasi")));
    store.offerBuiltins(BuiltinLibraries.shipped());
    assertEquals(
        List.of("math", "probe-disk", "probe-load", "probe-memory", "sysinfo"),
        names(store.list()));
    Library sysinfo = store.find("sysinfo");
    assertArrayEquals(
        Files.readAllBytes(EXAMPLES.resolve("sysinfo.wasi")), store.bytes(sysinfo.sha256()));
    assertEquals(sysinfo, store.get(sysinfo.sha256()).orElseThrow());
    try (var files = Files.list(state.resolve("store/modules"))) {
      assertEquals(
          List.of(math.sha256() + ".wasm"), files.map(p -> p.getFileName().toString()).toList());
    }
    // after a restart they are offered again by the build, not found on disk
    assertEquals(List.of("math"), names(store().list()));
  }

  @Test
  void turnedOffAllOrByName() {
    var store = store();
    List<BuiltinLibraries.Builtin> shipped = BuiltinLibraries.shipped();
    store.offerBuiltins(
        BuiltinLibraries.chosen(shipped, true, Set.of("probe-disk", "no-such-probe")));
    assertEquals(List.of("probe-load", "probe-memory", "sysinfo"), names(store.list()));
    assertEquals(List.of("probe-load", "probe-memory", "sysinfo"), names(store.builtins()));
    var gone = assertThrows(StoreException.class, () -> store.find("probe-disk"));
    assertEquals(ErrorCode.STORE_NOT_FOUND, gone.code());
    store.offerBuiltins(BuiltinLibraries.chosen(shipped, false, Set.of()));
    assertEquals(List.of(), store.list());
  }

  @Test
  void aStoredLibraryOfTheSameNameReplacesTheBuiltInOne() throws IOException {
    var store = store();
    store.offerBuiltins(BuiltinLibraries.shipped());
    // the host owner's own "sysinfo": here hello, renamed by a metadata section of its own
    byte[] own = withName(Files.readAllBytes(EXAMPLES.resolve("hello.wasi")), "sysinfo");
    Library mine = store.publish(own);
    assertEquals("sysinfo", mine.name());
    assertEquals(mine, store.find("sysinfo"));
    assertEquals(List.of("probe-disk", "probe-load", "probe-memory"), names(store.builtins()));
  }

  @Test
  void unpublishingABuiltInLibrarySaysHowToTurnItOff() {
    var store = store();
    store.offerBuiltins(BuiltinLibraries.shipped());
    Library disk = store.find("probe-disk");
    var refused = assertThrows(StoreException.class, () -> store.remove(disk.sha256()));
    assertEquals(ErrorCode.STORE_BUILTIN_FIXED, refused.code());
    assertTrue(
        refused.getMessage().contains("libraries.builtin.disabled = probe-disk"),
        refused.getMessage());
    assertEquals(4, store.list().size());
  }

  @Test
  void aBuildWithoutItsProbesOrWithABrokenOneSaysSo() {
    var missing =
        assertThrows(
            StoreException.class,
            () -> BuiltinLibraries.load(BuiltinLibrariesTest.class, "builtin-missing/"));
    assertEquals(ErrorCode.STORE_BUILTIN_MISSING, missing.code());
    assertTrue(
        missing.getMessage().contains("builtin-missing/probe-gone.wasi is missing"),
        missing.getMessage());
    var junk =
        assertThrows(
            StoreException.class,
            () -> BuiltinLibraries.load(BuiltinLibrariesTest.class, "builtin-junk/"));
    assertEquals(ErrorCode.STORE_BUILTIN_MISSING, junk.code());
    assertTrue(
        junk.getMessage().contains("junk.wasi is not a WebAssembly module"), junk.getMessage());
    var noIndex =
        assertThrows(
            StoreException.class,
            () -> BuiltinLibraries.load(BuiltinLibrariesTest.class, "no-such-folder/"));
    assertEquals(ErrorCode.STORE_BUILTIN_MISSING, noIndex.code());
  }

  /** {@code module} with a custom section "weverywhere" naming it {@code name} appended. */
  private static byte[] withName(byte[] module, String name) {
    byte[] json =
        ("{\"name\":\"" + name + "\",\"version\":\"9.0.0\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] section = "weverywhere".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var body = new java.io.ByteArrayOutputStream();
    body.write(section.length);
    body.writeBytes(section);
    body.writeBytes(json);
    var out = new java.io.ByteArrayOutputStream();
    out.writeBytes(module);
    out.write(0);
    int size = body.size();
    do {
      int b = size & 0x7f;
      size >>>= 7;
      out.write(size == 0 ? b : b | 0x80);
    } while (size != 0);
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }
}
