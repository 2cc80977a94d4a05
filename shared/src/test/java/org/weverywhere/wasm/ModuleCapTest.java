package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.weverywhere.wasm.TestModules.bytes;
import static org.weverywhere.wasm.TestModules.cat;
import static org.weverywhere.wasm.TestModules.leb;
import static org.weverywhere.wasm.TestModules.module;
import static org.weverywhere.wasm.TestModules.name;
import static org.weverywhere.wasm.TestModules.section;
import static org.weverywhere.wasm.TestModules.vec;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ModuleCapTest {
  private final ModuleParser parser = new ModuleParser();

  private ModuleInfo read(byte[] module) {
    return parser.parse(new ByteArrayInputStream(module), module.length);
  }

  private static byte[] memorySection(byte[]... limits) {
    return section(5, vec(limits));
  }

  @Test
  void setsAMaximumWhereTheModuleHasNone() {
    byte[] capped = new ModuleCap(16, 1_000).apply(module(memorySection(bytes(0x00, 2))));
    assertEquals(List.of(limits(2, 16)), read(capped).memories());
  }

  @Test
  void lowersALargerMaximumAndKeepsASmallerOne() {
    byte[] capped =
        new ModuleCap(16, 1_000)
            .apply(module(memorySection(cat(bytes(0x01, 1), leb(65_536)), bytes(0x01, 1, 4))));
    assertEquals(List.of(limits(1, 16), limits(1, 4)), read(capped).memories());
  }

  @Test
  void capsAnImportedMemoryAndLeavesOtherImportsAlone() {
    byte[] imports =
        section(
            2,
            vec(
                cat(name("env"), name("f"), bytes(0x00, 0)),
                cat(name("env"), name("memory"), bytes(0x02, 0x00, 3)),
                cat(name("env"), name("table"), bytes(0x01, 0x70, 0x01, 1, 9)),
                cat(name("env"), name("g"), bytes(0x03, 0x7f, 0x00))));
    byte[] types = section(1, vec(bytes(0x60, 0, 0)));
    byte[] capped = new ModuleCap(8, 1_000).apply(module(types, imports));
    List<Import> read = read(capped).imports();
    assertEquals(new ExternType.Memory(limits(3, 8)), read.get(1).type());
    assertEquals(read(module(types, imports)).imports().get(2), read.get(2));
    assertEquals(read(module(types, imports)).imports().get(3), read.get(3));
  }

  @Test
  void refusesAMemoryThatStartsAboveTheCap() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModuleCap(16, 1_000).apply(module(memorySection(cat(bytes(0x00), leb(2000))))));
    assertTrue(
        e.getMessage().contains("starts with 2000 pages, more than the 16 granted"),
        e.getMessage());
  }

  @Test
  void leavesAModuleWithoutMemoryByteForByte() {
    byte[] plain =
        module(section(1, vec(bytes(0x60, 0, 0))), TestModules.custom("note", bytes(1, 2)));
    assertArrayEquals(plain, new ModuleCap(1, 1_000).apply(plain));
  }

  @Test
  void capsEveryExampleProgramAndTheyStillParse() throws Exception {
    Path dir = Path.of(System.getProperty("weverywhere.examples.dir", "target/example-programs"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isDirectory(dir), "example programs not built");
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".wasi")).toList()) {
        byte[] original = Files.readAllBytes(file);
        ModuleInfo before = read(original);
        // room for a real Go program (gofmt starts with 288 pages and a table of 6,959 elements)
        ModuleInfo after = read(new ModuleCap(1024, 100_000).apply(original));
        assertEquals(
            before.exports().stream().map(Export::name).toList(),
            after.exports().stream().map(Export::name).toList(),
            file.toString());
        assertEquals(before.functionCount(), after.functionCount(), file.toString());
        for (Limits limits : after.memories()) {
          assertEquals(OptionalLong.of(1024), limits.max(), file.toString());
        }
      }
    }
  }

  @Test
  void capsEveryTableDeclaredOrImportedAndKeepsASmallerMaximum() {
    byte[] types = section(1, vec(bytes(0x60, 0, 0)));
    byte[] imports = section(2, vec(cat(name("env"), name("t"), bytes(0x01, 0x6f, 0x00, 2))));
    byte[] tables =
        section(
            4,
            vec(
                bytes(0x70, 0x00, 1),
                cat(bytes(0x70, 0x01, 1), leb(1L << 28)),
                bytes(0x70, 0x01, 0, 5)));
    ModuleInfo capped = read(new ModuleCap(1, 100).apply(module(types, imports, tables)));
    assertEquals(
        new ExternType.Table(ValueType.EXTERNREF, limits(2, 100)), capped.imports().get(0).type());
    assertEquals(
        List.of(limits(2, 100), limits(1, 100), limits(1, 100), limits(0, 5)),
        capped.footprint().tables().stream().map(ExternType.Table::limits).toList());
  }

  @Test
  void refusesATableThatStartsAboveTheCap() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModuleCap(1, 100)
                    .apply(module(section(4, vec(cat(bytes(0x70, 0x00), leb(1L << 28)))))));
    assertTrue(e.getMessage().contains("table at byte"), e.getMessage());
    assertTrue(
        e.getMessage().contains("starts with 268435456 elements, more than the 100 granted"),
        e.getMessage());
  }

  /**
   * Issue 13 item 14: sizes written with more LEB128 bytes than needed are valid and must stay so.
   */
  @Test
  void paddedSizesAndLimitsStayReadable() {
    byte[] note = cat(name("note"), bytes(7, 8, 9));
    byte[] paddedCustom = cat(bytes(0), padded(note.length, 5), note);
    byte[] memoryBody = cat(padded(1, 3), bytes(0x01), padded(2, 5), padded(70_000, 5));
    byte[] paddedMemory = cat(bytes(5), padded(memoryBody.length, 4), memoryBody);
    byte[] typeBody = vec(bytes(0x60, 0, 0));
    byte[] paddedTypes = cat(bytes(1), padded(typeBody.length, 5), typeBody);
    byte[] original =
        module(paddedTypes, paddedCustom, paddedMemory, TestModules.custom("after", bytes(1)));
    ModuleInfo before = read(original);
    byte[] capped = new ModuleCap(16, 1_000).apply(original);
    ModuleInfo after = read(capped);
    assertEquals(List.of(limits(2, 16)), after.memories());
    assertEquals(
        before.customSections().stream().map(CustomSection::name).toList(),
        after.customSections().stream().map(CustomSection::name).toList());
    // untouched sections are copied byte for byte, padding and all
    assertTrue(indexOf(capped, paddedCustom) > 0);
    assertTrue(indexOf(capped, paddedTypes) > 0);
  }

  @Test
  void paddedLimitsInImportsAreRewritten() {
    byte[] types = section(1, vec(bytes(0x60, 0, 0)));
    byte[] imports =
        section(
            2,
            vec(
                cat(name("env"), name("m"), bytes(0x02, 0x00), padded(3, 5)),
                cat(name("env"), name("f"), bytes(0x00), padded(0, 5))));
    ModuleInfo after = read(new ModuleCap(8, 1_000).apply(module(types, imports)));
    assertEquals(new ExternType.Memory(limits(3, 8)), after.imports().get(0).type());
    assertEquals("f", after.imports().get(1).name());
  }

  /** {@code value} as an unsigned LEB128 of exactly {@code length} bytes. */
  static byte[] padded(long value, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) ((value & 0x7f) | (i < length - 1 ? 0x80 : 0));
      value >>>= 7;
    }
    return out;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static Limits limits(long min, long max) {
    return new Limits(min, OptionalLong.of(max), false, false);
  }
}
