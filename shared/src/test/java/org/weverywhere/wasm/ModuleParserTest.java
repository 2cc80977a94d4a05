package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.weverywhere.wasm.TestModules.*;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.weverywhere.ErrorCode;

class ModuleParserTest {
  private final ModuleParser parser = new ModuleParser();

  private ModuleInfo parse(byte[] bytes) {
    return parser.parse(new ByteArrayInputStream(bytes), bytes.length);
  }

  private WasmFormatException failure(byte[] bytes) {
    return assertThrows(WasmFormatException.class, () -> parse(bytes));
  }

  @Test
  void readsEveryKindOfImportAndExportWithTypes() {
    ModuleInfo info = parse(everything());
    assertEquals(ModuleKind.COMMAND, info.kind());
    assertEquals(WasiVersion.PREVIEW1, info.wasi());
    assertEquals(
        List.of(
            "wasi_snapshot_preview1.proc_exit func () -> ()",
            "env.table table 3.. funcref",
            "env.counter global mut i64"),
        info.imports().stream().map(i -> i.module() + "." + i.name() + " " + i.type()).toList());
    assertEquals(
        List.of(
            "add func (i32, i32) -> i32",
            "_start func () -> ()",
            "mix func (i64, f32, f64) -> (f64, i32)",
            "memory memory 2..16 pages",
            "table table 3.. funcref",
            "pi global f64"),
        info.exports().stream().map(e -> e.name() + " " + e.type()).toList());
    assertEquals(List.of(new Limits(2, OptionalLong.of(16), false, false)), info.memories());
    assertEquals(3, info.functionCount());
  }

  @Test
  void exportIndicesCountImportsFirst() {
    // Function 1 is the first defined one (index 0 is the imported proc_exit).
    Export add = parse(everything()).exportedFunction("add").orElseThrow();
    assertEquals(1, add.index());
  }

  @Test
  void readsNameProducersAndMetadataSections() {
    ModuleInfo info = parse(everything());
    assertEquals(Optional.of("demo"), info.moduleName());
    assertEquals(Map.of(1L, "add", 3L, "start"), info.functionNames());
    assertEquals("[C11]", info.producers().orElseThrow().fields().get("language").toString());
    assertEquals(
        "[clang 19.1.7]", info.producers().orElseThrow().fields().get("processed-by").toString());
    ModuleMetadata metadata = info.metadata().orElseThrow();
    assertEquals(Optional.of("1.2.3"), metadata.version());
    var add = metadata.functions().get("add");
    assertEquals(Optional.of("Adds"), add.description());
    assertEquals(
        List.of(
            new ModuleMetadata.Value("a", Optional.empty()),
            new ModuleMetadata.Value("b", Optional.of("i32"))),
        add.params());
    assertEquals(List.of(), info.warnings());
    assertEquals(
        List.of("name", "producers", "weverywhere"),
        info.customSections().stream().map(CustomSection::name).toList());
  }

  @Test
  void hashIsTheSha256OfTheWholeFile() throws Exception {
    byte[] bytes = everything();
    var expected =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(expected, parse(bytes).sha256());
    assertEquals(bytes.length, parse(bytes).size());
  }

  @Test
  void kindFollowsStartAndInitializeExports() {
    byte[] types = section(1, vec(funcType(new int[] {}, new int[] {})));
    byte[] funcs = section(3, vec(leb(0)));
    byte[] code = section(10, vec(cat(leb(2), bytes(0x00, 0x0b))));
    byte[] reactor =
        module(types, funcs, section(7, vec(cat(name("_initialize"), bytes(0), leb(0)))), code);
    byte[] library = module(types, funcs, section(7, vec(cat(name("f"), bytes(0), leb(0)))), code);
    assertEquals(ModuleKind.REACTOR, parse(reactor).kind());
    assertEquals(ModuleKind.LIBRARY, parse(library).kind());
    assertEquals(WasiVersion.NONE, parse(library).wasi());
  }

  @Test
  void legacyWasiUnstableIsPreview0() {
    byte[] m =
        module(
            section(1, vec(funcType(new int[] {I32}, new int[] {}))),
            section(2, vec(cat(name("wasi_unstable"), name("proc_exit"), bytes(0), leb(0)))));
    assertEquals(WasiVersion.PREVIEW0, parse(m).wasi());
  }

  @Test
  void componentBinaryIsRecognisedNotMisparsed() {
    byte[] component =
        cat(
            bytes(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00),
            bytes(0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff));
    ModuleInfo info = parse(component);
    assertEquals(ModuleKind.COMPONENT, info.kind());
    assertEquals(WasiVersion.UNKNOWN, info.wasi());
    assertEquals(List.of(), info.exports());
  }

  @Test
  void memory64AndSharedLimits() {
    // flags 0x05: 64-bit with a maximum; here min 1 and no max byte follows -> truncated
    assertEquals(
        ErrorCode.WASM_TRUNCATED, failure(module(section(5, bytes(0x01, 0x05, 0x01)))).code());
    ModuleInfo info = parse(module(section(5, bytes(0x01, 0x07, 0x01, 0x80, 0x80, 0x04))));
    assertEquals(new Limits(1, OptionalLong.of(65536), true, true), info.memories().getFirst());
  }

  // ---- bad input: each gives the parser's own error, with the offset where it went wrong ----

  @Test
  void emptyAndForeignFilesAreNotWasm() {
    assertEquals(ErrorCode.WASM_NOT_WASM, failure(new byte[0]).code());
    var elf = failure(bytes(0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0));
    assertEquals(ErrorCode.WASM_NOT_WASM, elf.code());
    assertEquals(0, elf.offset());
  }

  @Test
  void truncatedHeader() {
    var e = failure(bytes(0x00, 0x61, 0x73, 0x6d, 0x01));
    assertEquals(ErrorCode.WASM_TRUNCATED, e.code());
    assertEquals(4, e.offset());
  }

  @Test
  void unsupportedVersion() {
    var e = failure(bytes(0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00));
    assertEquals(ErrorCode.WASM_MALFORMED, e.code());
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  @Test
  void sectionClaimingGigabytesIsRejectedBeforeReading() {
    byte[] m = module(bytes(0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00));
    var e = failure(m);
    assertEquals(ErrorCode.WASM_TRUNCATED, e.code());
    assertEquals(9, e.offset());
    assertEquals(
        "at byte 9: type section (id 1) claims 4294967295 bytes, but only 1 follow",
        e.getMessage());
  }

  @Test
  void vectorCountLargerThanItsSectionIsRejected() {
    var e = failure(module(section(2, leb(0xffffffffL))));
    assertTrue(e.getMessage().contains("import count claims 4294967295 entries"), e.getMessage());
    assertEquals(10, e.offset());
  }

  @Test
  void truncatedInsideASection() {
    byte[] whole = everything();
    byte[] cut = java.util.Arrays.copyOf(whole, 30);
    var e = failure(cut);
    assertTrue(e.code() == ErrorCode.WASM_MALFORMED || e.code() == ErrorCode.WASM_TRUNCATED);
    assertTrue(e.offset() <= 30);
  }

  @Test
  void overlongLeb128() {
    var e = failure(module(bytes(0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)));
    assertTrue(e.getMessage().contains("integer representation too long"), e.getMessage());
  }

  @Test
  void lebWithBitsBeyond32() {
    var e = failure(module(bytes(0x01, 0xff, 0xff, 0xff, 0xff, 0x7f)));
    assertTrue(e.getMessage().contains("too large for u32"), e.getMessage());
  }

  @Test
  void invalidUtf8Name() {
    byte[] m =
        module(
            section(1, vec(funcType(new int[] {}, new int[] {}))),
            section(2, vec(cat(leb(2), bytes(0xc3, 0x28), name("x"), bytes(0), leb(0)))));
    assertTrue(failure(m).getMessage().contains("import module name is not valid UTF-8"));
  }

  @Test
  void sectionsOutOfOrderOrRepeated() {
    byte[] type = section(1, vec());
    byte[] imports = section(2, vec());
    assertTrue(failure(module(imports, type)).getMessage().contains("out of order"));
    assertTrue(failure(module(type, type)).getMessage().contains("out of order or repeated"));
  }

  @Test
  void unknownSectionId() {
    var e = failure(module(section(42, bytes())));
    assertEquals("at byte 8: unknown section id 42", e.getMessage());
  }

  @Test
  void indicesThatPointNowhere() {
    byte[] types = section(1, vec(funcType(new int[] {}, new int[] {})));
    assertTrue(
        failure(module(types, section(3, vec(leb(5)))))
            .getMessage()
            .contains("type index 5 out of range (1 types)"));
    assertTrue(
        failure(module(types, section(7, vec(cat(name("f"), bytes(0), leb(0))))))
            .getMessage()
            .contains("function index 0 out of range (0 functions)"));
  }

  @Test
  void sectionWithBytesLeftOver() {
    var e = failure(module(section(1, vec(), bytes(0x00))));
    assertTrue(e.getMessage().contains("type section (id 1) has 1 unread bytes"), e.getMessage());
  }

  @Test
  void gcTypesAreRefusedClearly() {
    var e = failure(module(section(1, vec(bytes(0x4e, 0x00)))));
    assertTrue(
        e.getMessage().contains("type form 0x4e belongs to the GC proposal"), e.getMessage());
    assertEquals(org.weverywhere.ErrorCode.WASM_UNSUPPORTED_PROPOSAL, e.code());
  }

  @Test
  void malformedCustomSectionsAreWarningsNotFailures() {
    byte[] badName = custom("name", bytes(0x01, 0x05, 0x01, 0x00));
    byte[] badMeta = custom("weverywhere", "{not json".getBytes());
    byte[] m = module(section(1, vec()), badName, badMeta, custom("other", bytes(1, 2, 3)));
    ModuleInfo info = parse(m);
    assertEquals(2, info.warnings().size(), info.warnings().toString());
    assertTrue(
        info.warnings().get(0).startsWith("custom section 'name' at byte"), info.warnings().get(0));
    assertTrue(info.warnings().get(1).contains("not valid JSON"), info.warnings().get(1));
    assertEquals(3, info.customSections().size());
  }

  @Test
  void metadataThatContradictsTheExportsIsFlagged() {
    byte[] m =
        module(
            section(1, vec(funcType(new int[] {I32}, new int[] {}))),
            section(3, vec(leb(0))),
            section(7, vec(cat(name("f"), bytes(0), leb(0)))),
            section(10, vec(cat(leb(2), bytes(0x00, 0x0b)))),
            custom(
                "weverywhere",
                ("{\"functions\":{\"f\":{\"params\":[\"a\",\"b\"]}," + "\"ghost\":{}}}")
                    .getBytes()));
    List<String> warnings = parse(m).warnings();
    assertEquals(
        List.of(
            "weverywhere metadata names 2 parameters for 'f', but its signature (i32) -> () has 1",
            "weverywhere metadata describes 'ghost', which is not an exported function"),
        warnings);
  }

  @Test
  void byteStringsThatDoNotFitOrLackTheAllocatorAreFlagged() {
    byte[] m =
        module(
            section(
                1,
                vec(
                    funcType(new int[] {I32, I32}, new int[] {}),
                    funcType(new int[] {I64}, new int[] {}))),
            section(3, vec(leb(0), leb(1))),
            section(7, vec(cat(name("f"), bytes(0), leb(0)), cat(name("g"), bytes(0), leb(1)))),
            section(10, vec(cat(leb(2), bytes(0x00, 0x0b)), cat(leb(2), bytes(0x00, 0x0b)))),
            custom(
                "weverywhere",
                ("{\"functions\":{\"f\":{\"params\":[{\"name\":\"s\",\"type\":\"string\"}]},"
                        + "\"g\":{\"params\":[{\"name\":\"b\",\"type\":\"bytes\"}]}}}")
                    .getBytes()));
    assertEquals(
        List.of(
            "weverywhere metadata declares byte strings for 'f', but the module does not export weverywhere_alloc"
                + " (i32) -> i32",
            "weverywhere metadata types for 'g' do not fit: its signature is (i64) -> (): parameter 'b' is a bytes,"
                + " which needs (i32, i32) there"),
        parse(m).warnings());
  }

  @Test
  void metadataWithAWrongTypeIsAWarning() {
    byte[] m =
        module(
            custom(
                "weverywhere",
                "{\"functions\":{\"f\":{\"params\":[{\"name\":\"a\",\"type\":\"u8\"}]}}}"
                    .getBytes()));
    assertTrue(parse(m).warnings().getFirst().contains("'functions.f.params[0].type' is 'u8'"));
  }

  @Test
  void hostileSizesCostNoMemory() {
    // 20-odd bytes that claim a 4 GiB section and a 4-billion-entry vector
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    byte[] claimsSection = module(bytes(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f));
    byte[] claimsCount = module(section(1, leb(0xffffffffL), bytes(0, 0, 0, 0)));
    for (int warm = 0; warm < 20; warm++) {
      assertThrows(WasmFormatException.class, () -> parse(claimsSection));
      assertThrows(WasmFormatException.class, () -> parse(claimsCount));
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThrows(WasmFormatException.class, () -> parse(claimsSection));
    assertThrows(WasmFormatException.class, () -> parse(claimsCount));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 256 * 1024, "allocated " + allocated + " bytes");
  }
}
