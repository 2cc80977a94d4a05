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

class MemoryCapTest {
  private final ModuleParser parser = new ModuleParser();

  private ModuleInfo read(byte[] module) {
    return parser.parse(new ByteArrayInputStream(module), module.length);
  }

  private static byte[] memorySection(byte[]... limits) {
    return section(5, vec(limits));
  }

  @Test
  void setsAMaximumWhereTheModuleHasNone() {
    byte[] capped = new MemoryCap(16).apply(module(memorySection(bytes(0x00, 2))));
    assertEquals(List.of(limits(2, 16)), read(capped).memories());
  }

  @Test
  void lowersALargerMaximumAndKeepsASmallerOne() {
    byte[] capped =
        new MemoryCap(16)
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
    byte[] capped = new MemoryCap(8).apply(module(types, imports));
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
            () -> new MemoryCap(16).apply(module(memorySection(cat(bytes(0x00), leb(2000))))));
    assertTrue(e.getMessage().contains("starts with 2000 pages, more than the 16 granted"), e.getMessage());
  }

  @Test
  void leavesAModuleWithoutMemoryByteForByte() {
    byte[] plain = module(section(1, vec(bytes(0x60, 0, 0))), TestModules.custom("note", bytes(1, 2)));
    assertArrayEquals(plain, new MemoryCap(1).apply(plain));
  }

  @Test
  void capsEveryExampleProgramAndTheyStillParse() throws Exception {
    Path dir = Path.of(System.getProperty("weverywhere.examples.dir", "target/example-programs"));
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "example programs not built");
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".wasi")).toList()) {
        byte[] original = Files.readAllBytes(file);
        ModuleInfo before = read(original);
        ModuleInfo after = read(new MemoryCap(256).apply(original));
        assertEquals(
            before.exports().stream().map(Export::name).toList(),
            after.exports().stream().map(Export::name).toList(),
            file.toString());
        assertEquals(before.functionCount(), after.functionCount(), file.toString());
        for (Limits limits : after.memories()) {
          assertEquals(OptionalLong.of(256), limits.max(), file.toString());
        }
      }
    }
  }

  private static Limits limits(long min, long max) {
    return new Limits(min, OptionalLong.of(max), false, false);
  }
}
