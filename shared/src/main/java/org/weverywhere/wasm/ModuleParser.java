package org.weverywhere.wasm;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.weverywhere.ErrorCode;
import org.weverywhere.trust.Sha256;

/**
 * Reads a module's interface (types, imports, exports, memories, custom sections) in one pass.
 *
 * <p>It is a reader, not a validator: function bodies are decoded instruction by instruction only
 * to learn their {@link Footprint} (locals, sizes, the proposals their opcodes belong to), data
 * bytes are skipped unread, so its memory is bounded by the sections it keeps, each bounded by the
 * file. It rejects what it cannot report truthfully: sections out of order, sizes or counts that
 * overrun, unknown type codes and opcodes, indices that point nowhere; and, naming the proposal
 * ({@link ErrorCode#WASM_UNSUPPORTED_PROPOSAL}), the GC and typed function references proposals,
 * whose types it does not read.
 */
public final class ModuleParser {
  private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};
  private static final int CORE_VERSION = 1;

  /** Component-model binaries share the magic, then say version 0x0d, layer 1. */
  private static final int COMPONENT_LAYER = 1;

  /** Custom sections whose payload is read; every other one is skipped by size. */
  private static final int MAX_NAME_SECTION = 16 * 1024 * 1024;

  private static final int MAX_PRODUCERS_SECTION = 64 * 1024;

  /** Reads the module at {@code path}. */
  public ModuleInfo parse(Path path) throws IOException {
    long size = Files.size(path);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 64 * 1024)) {
      return parse(in, size);
    }
  }

  /** Reads a module from {@code in}, which must hold exactly {@code size} bytes. */
  public ModuleInfo parse(InputStream in, long size) {
    MessageDigest sha256 = Sha256.digest();
    var digesting = new DigestInputStream(in, sha256);
    var reading = new Reading(new WasmInput(digesting, size));
    reading.header();
    if (reading.component) {
      reading.input.skip(reading.input.remaining(), "component");
    } else {
      reading.sections();
    }
    String hash = HexFormat.of().formatHex(sha256.digest());
    return reading.result(size, hash);
  }

  /** The state of one parse; section readers fill it in file order. */
  private static final class Reading {
    final WasmInput input;
    boolean component;
    final List<FuncType> types = new ArrayList<>();

    /** Type of every function in the function index space: imports first. */
    final List<FuncType> functions = new ArrayList<>();

    final List<ExternType.Table> tables = new ArrayList<>();
    final List<ExternType.Memory> memories = new ArrayList<>();
    final List<ExternType.Global> globals = new ArrayList<>();
    final List<ExternType.Tag> tags = new ArrayList<>();
    final List<Import> imports = new ArrayList<>();
    final List<Export> exports = new ArrayList<>();
    final List<Limits> definedMemories = new ArrayList<>();
    long definedFunctions;
    final List<CustomSection> customs = new ArrayList<>();
    Producers producers;
    String moduleName;
    final TreeMap<Long, String> functionNames = new TreeMap<>();
    ModuleMetadata metadata;
    final List<String> warnings = new ArrayList<>();
    int lastRank;

    /** Where each proposal the module uses is first seen. */
    final java.util.EnumMap<Proposal, Long> proposals = new java.util.EnumMap<>(Proposal.class);

    long maxLocals;
    long maxBodyBytes;
    long dataSegments;
    long dataBytes;
    long elementSegments;
    long elementEntries;

    Reading(WasmInput input) {
      this.input = input;
    }

    void header() {
      if (input.remaining() < 8) {
        if (input.remaining() >= 4 && startsWithMagic()) {
          throw WasmFormatException.truncated(4, "the version field of the header");
        }
        throw notWasm();
      }
      if (!startsWithMagic()) {
        throw notWasm();
      }
      byte[] version = input.bytes(4, "header");
      int number = (version[0] & 0xff) | (version[1] & 0xff) << 8;
      int layer = (version[2] & 0xff) | (version[3] & 0xff) << 8;
      if (layer == COMPONENT_LAYER) {
        component = true;
      } else if (layer != 0 || number != CORE_VERSION) {
        throw WasmFormatException.malformed(
            4, "unsupported binary version " + number + " (layer " + layer + "); expected 1");
      }
    }

    private boolean startsWithMagic() {
      byte[] magic = input.bytes(4, "header");
      return java.util.Arrays.equals(magic, MAGIC);
    }

    private WasmFormatException notWasm() {
      return new WasmFormatException(
          ErrorCode.WASM_NOT_WASM, 0, "not a WebAssembly binary (no \\0asm header)");
    }

    void sections() {
      while (!input.atEnd()) {
        long start = input.offset();
        int id = input.u8("section id");
        Section section = Section.of(id);
        if (section == null) {
          throw WasmFormatException.malformed(start, "unknown section id " + id);
        }
        String label = section.label();
        long sizeAt = input.offset();
        long size = input.u32("size of " + label);
        long outer = input.enter(size, sizeAt, label);
        if (section != Section.CUSTOM) {
          if (section.rank <= lastRank) {
            throw WasmFormatException.malformed(start, label + " is out of order or repeated");
          }
          lastRank = section.rank;
        }
        switch (section) {
          case CUSTOM -> custom(start, size);
          case TYPE -> typeSection();
          case IMPORT -> importSection();
          case FUNCTION -> functionSection();
          case TABLE ->
              repeat("table", () -> tables.add(new ExternType.Table(tableType(), tableLimits())));
          case MEMORY ->
              repeat(
                  "memory",
                  () -> {
                    Limits limits = memoryLimits();
                    memories.add(new ExternType.Memory(limits));
                    definedMemories.add(limits);
                  });
          case TAG -> {
            uses(Proposal.EXCEPTIONS, start);
            repeat("tag", () -> tags.add(tag()));
          }
          case GLOBAL ->
              repeat(
                  "global",
                  () -> {
                    globals.add(globalType());
                    constantExpression();
                  });
          case EXPORT -> exportSection();
          case START -> start();
          case ELEMENT -> elementSection();
          case DATA_COUNT -> {
            uses(Proposal.BULK_MEMORY, start);
            input.u32("data count");
          }
          case CODE -> codeSection();
          case DATA -> dataSection();
          default -> input.skip(size, label);
        }
        input.exit(outer, label);
      }
    }

    private void repeat(String what, Runnable readOne) {
      int n = input.count(what + " count");
      for (int i = 0; i < n; i++) {
        readOne.run();
      }
    }

    private void typeSection() {
      repeat(
          "type",
          () -> {
            long at = input.offset();
            int form = input.u8("type form");
            if (form == 0x4e || form == 0x4f || form == 0x50 || form == 0x5e || form == 0x5f) {
              throw unsupported(Proposal.GC, at, String.format("type form 0x%02x", form));
            }
            if (form != 0x60) {
              throw WasmFormatException.malformed(
                  at, String.format("type form 0x%02x is not a function type", form));
            }
            FuncType type = new FuncType(valueTypes("parameter"), valueTypes("result"));
            if (type.results().size() > 1) {
              uses(Proposal.MULTI_VALUE, at);
            }
            types.add(type);
          });
    }

    void uses(Proposal proposal, long at) {
      proposals.putIfAbsent(proposal, at);
    }

    private static WasmFormatException unsupported(Proposal proposal, long at, String what) {
      return new WasmFormatException(
          ErrorCode.WASM_UNSUPPORTED_PROPOSAL,
          at,
          what + " belongs to the " + proposal.title() + " proposal, which this host does not run");
    }

    private List<ValueType> valueTypes(String what) {
      int n = input.count(what + " count");
      List<ValueType> list = new ArrayList<>(Math.min(n, 64));
      for (int i = 0; i < n; i++) {
        list.add(valueType(what + " type"));
      }
      return list;
    }

    private ValueType valueType(String what) {
      long at = input.offset();
      return valueType(what, at, input.u8(what));
    }

    private ValueType valueType(String what, long at, int code) {
      ValueType type = ValueType.fromCode(code);
      if (type == null) {
        if (code == 0x63 || code == 0x64) {
          throw unsupported(
              Proposal.FUNCTION_REFERENCES,
              at,
              String.format("%s 0x%02x (a typed reference)", what, code));
        }
        if (code >= 0x69 && code <= 0x74 && code != 0x70 && code != 0x6f) {
          throw unsupported(Proposal.GC, at, String.format("%s 0x%02x", what, code));
        }
        throw WasmFormatException.malformed(at, String.format("unknown %s 0x%02x", what, code));
      }
      if (type == ValueType.V128) {
        uses(Proposal.SIMD, at);
      } else if (type == ValueType.EXTERNREF) {
        uses(Proposal.REFERENCE_TYPES, at);
      }
      return type;
    }

    private ValueType refType() {
      long at = input.offset();
      ValueType type = valueType("table element type");
      if (!type.isReference()) {
        throw WasmFormatException.malformed(
            at, "table element type " + type + " is not a reference type");
      }
      return type;
    }

    /** A table's element type; a table with an initializer belongs to typed function references. */
    private ValueType tableType() {
      long at = input.offset();
      int code = input.u8("table type");
      if (code == 0x40) {
        throw unsupported(
            Proposal.FUNCTION_REFERENCES, at, "a table with an initializer expression");
      }
      ValueType type = valueType("table element type", at, code);
      if (!type.isReference()) {
        throw WasmFormatException.malformed(
            at, "table element type " + type + " is not a reference type");
      }
      if (tables.size() >= 1) {
        uses(Proposal.REFERENCE_TYPES, at);
      }
      return type;
    }

    private Limits tableLimits() {
      long at = input.offset();
      Limits limits = limits();
      if (limits.index64()) {
        uses(Proposal.MEMORY64, at);
      }
      if (limits.shared()) {
        throw WasmFormatException.malformed(at, "a table cannot be shared");
      }
      return limits;
    }

    private Limits memoryLimits() {
      long at = input.offset();
      Limits limits = limits();
      if (limits.shared()) {
        uses(Proposal.THREADS, at);
      }
      if (limits.index64()) {
        uses(Proposal.MEMORY64, at);
      }
      if (memories.size() >= 1) {
        uses(Proposal.MULTI_MEMORY, at);
      }
      return limits;
    }

    private Limits limits() {
      long at = input.offset();
      int flags = input.u8("limits flags");
      if (flags > 0x07) {
        throw WasmFormatException.malformed(
            at, String.format("unknown limits flags 0x%02x", flags));
      }
      boolean hasMax = (flags & 0x01) != 0;
      boolean shared = (flags & 0x02) != 0;
      boolean index64 = (flags & 0x04) != 0;
      long min = index64 ? input.u64("limits minimum") : input.u32("limits minimum");
      OptionalLong max = OptionalLong.empty();
      if (hasMax) {
        long value = index64 ? input.u64("limits maximum") : input.u32("limits maximum");
        if (Long.compareUnsigned(value, min) < 0) {
          throw WasmFormatException.malformed(
              at, "limits maximum " + value + " is below minimum " + min);
        }
        max = OptionalLong.of(value);
      }
      return new Limits(min, max, shared, index64);
    }

    private ExternType.Global globalType() {
      ValueType type = valueType("global type");
      long at = input.offset();
      int mutability = input.u8("global mutability");
      if (mutability > 1) {
        throw WasmFormatException.malformed(
            at, "global mutability must be 0 or 1, got " + mutability);
      }
      return new ExternType.Global(type, mutability == 1);
    }

    private ExternType.Tag tag() {
      long at = input.offset();
      int attribute = input.u8("tag attribute");
      if (attribute != 0) {
        throw WasmFormatException.malformed(at, "tag attribute must be 0, got " + attribute);
      }
      return new ExternType.Tag(typeAt(input.offset(), input.u32("tag type index")));
    }

    private FuncType typeAt(long at, long index) {
      if (index >= types.size()) {
        throw WasmFormatException.malformed(
            at, "type index " + index + " out of range (" + types.size() + " types)");
      }
      return types.get((int) index);
    }

    private void importSection() {
      repeat(
          "import",
          () -> {
            String module = input.name("import module name");
            String name = input.name("import name");
            long at = input.offset();
            int kind = input.u8("import kind");
            ExternType type =
                switch (kind) {
                  case 0x00 -> {
                    FuncType f = typeAt(input.offset(), input.u32("import type index"));
                    functions.add(f);
                    yield new ExternType.Function(f);
                  }
                  case 0x01 -> add(tables, new ExternType.Table(tableType(), tableLimits()));
                  case 0x02 -> add(memories, new ExternType.Memory(memoryLimits()));
                  case 0x03 -> add(globals, globalType());
                  case 0x04 -> {
                    uses(Proposal.EXCEPTIONS, at);
                    yield add(tags, tag());
                  }
                  default ->
                      throw WasmFormatException.malformed(
                          at,
                          String.format(
                              "unknown import kind 0x%02x for %s.%s", kind, module, name));
                };
            imports.add(new Import(module, name, type));
          });
    }

    private static <T> T add(List<? super T> list, T item) {
      list.add(item);
      return item;
    }

    private void functionSection() {
      repeat(
          "function",
          () -> {
            functions.add(typeAt(input.offset(), input.u32("function type index")));
            definedFunctions++;
          });
    }

    private void exportSection() {
      repeat(
          "export",
          () -> {
            String name = input.name("export name");
            long at = input.offset();
            int kind = input.u8("export kind");
            long index = input.u32("export index");
            ExternType type =
                switch (kind) {
                  case 0x00 -> new ExternType.Function(indexed(functions, index, "function", at));
                  case 0x01 -> indexed(tables, index, "table", at);
                  case 0x02 -> indexed(memories, index, "memory", at);
                  case 0x03 -> indexed(globals, index, "global", at);
                  case 0x04 -> indexed(tags, index, "tag", at);
                  default ->
                      throw WasmFormatException.malformed(
                          at, String.format("unknown export kind 0x%02x for '%s'", kind, name));
                };
            exports.add(new Export(name, type, index));
          });
    }

    private static <T> T indexed(List<T> list, long index, String what, long at) {
      if (index >= list.size()) {
        throw WasmFormatException.malformed(
            at, what + " index " + index + " out of range (" + list.size() + " " + what + "s)");
      }
      return list.get((int) index);
    }

    private void start() {
      long at = input.offset();
      indexed(functions, input.u32("start function index"), "function", at);
    }

    /** Skips an initializer expression: constant instructions up to {@code end}. */
    private void constantExpression() {
      while (true) {
        long at = input.offset();
        int op = input.u8("constant expression");
        switch (op) {
          case 0x0b -> {
            return;
          }
          case 0x41 -> input.signed(32, "i32.const");
          case 0x42 -> input.signed(64, "i64.const");
          case 0x43 -> input.skip(4, "f32.const");
          case 0x44 -> input.skip(8, "f64.const");
          case 0x23 -> input.u32("global.get index");
          case 0xd0 -> {
            uses(Proposal.REFERENCE_TYPES, at);
            heapType();
          }
          case 0xd2 -> {
            uses(Proposal.REFERENCE_TYPES, at);
            input.u32("ref.func index");
          }
          case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e -> uses(Proposal.EXTENDED_CONST, at);
          case 0xfd -> {
            long sub = input.u32("SIMD opcode");
            if (sub != 12) {
              throw WasmFormatException.malformed(at, "SIMD opcode " + sub + " is not constant");
            }
            uses(Proposal.SIMD, at);
            input.skip(16, "v128.const");
          }
          case 0xfb -> throw unsupported(Proposal.GC, at, "opcode 0xfb");
          default ->
              throw WasmFormatException.malformed(
                  at, String.format("opcode 0x%02x is not allowed in a constant expression", op));
        }
      }
    }

    /** A heap type (ref.null's immediate): funcref or externref; anything else is GC's. */
    private void heapType() {
      long at = input.offset();
      long code = input.signed(33, "heap type");
      if (code != -0x10 && code != -0x11) { // 0x70 func, 0x6f extern, as s33
        throw unsupported(
            code >= 0 ? Proposal.FUNCTION_REFERENCES : Proposal.GC, at, "heap type " + code);
      }
    }

    private void elementSection() {
      repeat(
          "element segment",
          () -> {
            long at = input.offset();
            long flags = input.u32("element segment flags");
            if (flags > 7) {
              throw WasmFormatException.malformed(at, "unknown element segment flags " + flags);
            }
            elementSegments++;
            if (flags != 0) {
              uses(Proposal.BULK_MEMORY, at);
            }
            boolean passiveOrDeclared = (flags & 1) != 0;
            boolean explicitTable = (flags & 2) != 0;
            boolean expressions = (flags & 4) != 0;
            if (!passiveOrDeclared) {
              if (explicitTable && input.u32("element table index") != 0) {
                uses(Proposal.REFERENCE_TYPES, at);
              }
              constantExpression();
            }
            if (passiveOrDeclared || explicitTable) {
              if (expressions) {
                refType();
              } else if (input.u8("element kind") != 0) {
                throw WasmFormatException.malformed(at, "element kind must be 0 (funcref)");
              }
            }
            int n = input.count("element count");
            elementEntries += n;
            for (int i = 0; i < n; i++) {
              if (expressions) {
                constantExpression();
              } else {
                input.u32("element function index");
              }
            }
          });
    }

    private void dataSection() {
      repeat(
          "data segment",
          () -> {
            long at = input.offset();
            long flags = input.u32("data segment flags");
            if (flags > 2) {
              throw WasmFormatException.malformed(at, "unknown data segment flags " + flags);
            }
            dataSegments++;
            if (flags == 1) {
              uses(Proposal.BULK_MEMORY, at);
            }
            if (flags == 2 && input.u32("data memory index") != 0) {
              uses(Proposal.MULTI_MEMORY, at);
            }
            if (flags != 1) {
              constantExpression();
            }
            int n = input.count("data size");
            dataBytes += n;
            input.skip(n, "data segment");
          });
    }

    private void codeSection() {
      repeat(
          "function body",
          () -> {
            long sizeAt = input.offset();
            long size = input.u32("function body size");
            long outer = input.enter(size, sizeAt, "function body");
            maxBodyBytes = Math.max(maxBodyBytes, size);
            long locals = 0;
            int groups = input.count("local declaration count");
            for (int i = 0; i < groups; i++) {
              long n = input.u32("local count");
              valueType("local type");
              locals += n; // at most 2^32 groups of 2^32: no overflow in a long
            }
            maxLocals = Math.max(maxLocals, locals);
            long codeAt = input.offset();
            new Instructions(this, input.bytes((int) input.remaining(), "function body"), codeAt)
                .body();
            input.exit(outer, "function body");
          });
    }

    private void custom(long start, long size) {
      String name = input.name("custom section name");
      customs.add(new CustomSection(name, start, size));
      long payload = input.remaining();
      switch (name) {
        case "name" -> tolerant(name, payload, MAX_NAME_SECTION, this::nameSection);
        case "producers" -> tolerant(name, payload, MAX_PRODUCERS_SECTION, this::producersSection);
        case ModuleMetadata.SECTION ->
            tolerant(
                name,
                payload,
                MetadataReader.MAX_PAYLOAD,
                () -> {
                  byte[] bytes = input.bytes((int) payload, "weverywhere section");
                  try {
                    metadata = MetadataReader.read(bytes);
                  } catch (IllegalArgumentException bad) {
                    warnings.add(
                        "custom section 'weverywhere' at byte " + start + ": " + bad.getMessage());
                  }
                });
        default -> input.skip(payload, "custom section '" + name + "'");
      }
    }

    /**
     * Reads a known custom section; by the spec a malformed one does not make the module invalid,
     * so its problem becomes a warning and the rest of it is skipped.
     */
    private void tolerant(String name, long payload, int maxPayload, Runnable reader) {
      if (payload > maxPayload) {
        warnings.add(
            "custom section '"
                + name
                + "' has "
                + payload
                + " bytes, more than the "
                + maxPayload
                + " read; skipped");
        input.skip(payload, "custom section '" + name + "'");
        return;
      }
      long sectionEnd = input.end();
      try {
        reader.run();
      } catch (WasmFormatException bad) {
        // The reader may have failed inside a subsection: skip from there to the section's end.
        warnings.add("custom section '" + name + "' " + bad.getMessage() + "; ignored");
        input.abandonTo(sectionEnd);
        input.skip(input.remaining(), "custom section '" + name + "'");
      }
    }

    private void nameSection() {
      long lastId = -1;
      while (!input.atEnd()) {
        long at = input.offset();
        int id = input.u8("name subsection id");
        if (id <= lastId) {
          throw WasmFormatException.malformed(at, "name subsection " + id + " out of order");
        }
        lastId = id;
        long sizeAt = input.offset();
        long outer =
            input.enter(input.u32("name subsection size"), sizeAt, "name subsection " + id);
        switch (id) {
          case 0 -> moduleName = input.name("module name");
          case 1 ->
              repeat(
                  "function name",
                  () -> {
                    long index = input.u32("function index");
                    functionNames.put(index, input.name("function name"));
                  });
          default -> input.skip(input.remaining(), "name subsection " + id);
        }
        input.exit(outer, "name subsection " + id);
      }
    }

    private void producersSection() {
      var fields = new LinkedHashMap<String, List<Producers.Tool>>();
      repeat(
          "producers field",
          () -> {
            String field = input.name("producers field name");
            List<Producers.Tool> tools = new ArrayList<>();
            repeat(
                "producers value",
                () ->
                    tools.add(
                        new Producers.Tool(
                            input.name("producer name"), input.name("producer version"))));
            fields.put(field, tools);
          });
      producers = new Producers(fields);
    }

    ModuleInfo result(long size, String sha256) {
      ModuleKind kind = component ? ModuleKind.COMPONENT : kind();
      WasiVersion wasi = component ? WasiVersion.UNKNOWN : wasi();
      if (metadata != null) {
        checkMetadataAgainstExports();
      }
      return new ModuleInfo(
          size,
          sha256,
          kind,
          wasi,
          imports,
          exports,
          definedMemories,
          definedFunctions,
          customs,
          Optional.ofNullable(producers),
          Optional.ofNullable(moduleName),
          functionNames,
          Optional.ofNullable(metadata),
          warnings,
          footprint());
    }

    private Footprint footprint() {
      return new Footprint(
          tables,
          memories.stream().map(ExternType.Memory::limits).toList(),
          types.size(),
          functions.size(),
          globals.size(),
          maxLocals,
          maxBodyBytes,
          dataSegments,
          dataBytes,
          elementSegments,
          elementEntries,
          proposals);
    }

    private ModuleKind kind() {
      if (exportedFunction("_start").isPresent()) {
        return ModuleKind.COMMAND;
      }
      return exportedFunction("_initialize").isPresent() ? ModuleKind.REACTOR : ModuleKind.LIBRARY;
    }

    private Optional<FuncType> exportedFunction(String name) {
      return exports.stream()
          .filter(e -> e.name().equals(name) && e.type() instanceof ExternType.Function)
          .map(e -> ((ExternType.Function) e.type()).type())
          .findFirst();
    }

    private WasiVersion wasi() {
      for (WasiVersion version : List.of(WasiVersion.PREVIEW1, WasiVersion.PREVIEW0)) {
        if (imports.stream().anyMatch(i -> i.module().equals(version.importModule()))) {
          return version;
        }
      }
      return WasiVersion.NONE;
    }

    /** Metadata that contradicts the binary is worse than none: say so. */
    private void checkMetadataAgainstExports() {
      for (var entry : metadata.functions().entrySet()) {
        String name = entry.getKey();
        var exported = exportedFunction(name);
        if (exported.isEmpty()) {
          warnings.add(
              "weverywhere metadata describes '" + name + "', which is not an exported function");
          continue;
        }
        FuncType type = exported.get();
        var doc = entry.getValue();
        boolean onlyCoreTypes =
            doc.params().stream()
                .allMatch(
                    v ->
                        v.type().isEmpty() || !List.of("bytes", "string").contains(v.type().get()));
        if (onlyCoreTypes
            && !doc.params().isEmpty()
            && doc.params().size() != type.params().size()) {
          warnings.add(
              "weverywhere metadata names "
                  + doc.params().size()
                  + " parameters for '"
                  + name
                  + "', but its signature "
                  + type
                  + " has "
                  + type.params().size());
        }
        try {
          if (CallSignature.declared(type, doc).hasByteStrings()
              && !exportedFunction(CallSignature.ALLOCATOR)
                  .filter(CallSignature.ALLOCATOR_TYPE::equals)
                  .isPresent()) {
            warnings.add(
                "weverywhere metadata declares byte strings for '"
                    + name
                    + "', but the module does not export "
                    + CallSignature.ALLOCATOR
                    + " "
                    + CallSignature.ALLOCATOR_TYPE);
          }
        } catch (IllegalArgumentException contradicts) {
          warnings.add(
              "weverywhere metadata types for '"
                  + name
                  + "' do not fit: "
                  + contradicts.getMessage());
        }
      }
    }
  }

  /**
   * Decodes one function body's instructions, only to step over their immediates and to note which
   * proposal each opcode belongs to. Nesting is not tracked: the body's size bounds the walk, and
   * its last byte must be an {@code end}.
   */
  private static final class Instructions {
    private final Reading r;
    private final Leb128.Reader input;

    /** The file offset of {@code code[0]}, for errors. */
    private final long base;

    Instructions(Reading reading, byte[] code, long base) {
      this.r = reading;
      this.input = new Leb128.Reader(code, 0, code.length);
      this.base = base;
    }

    /**
     * Reads the instructions whole from an array: reading them one byte at a time from the file's
     * (hashing) stream cost ten times more.
     */
    void body() {
      int op = -1;
      try {
        while (!input.atEnd()) {
          op = instruction();
        }
      } catch (IllegalArgumentException bad) {
        throw WasmFormatException.malformed(base + input.pos, "function body: " + bad.getMessage());
      }
      if (op != 0x0b) {
        throw WasmFormatException.malformed(
            base + input.pos, "function body does not end with 'end'");
      }
    }

    private long offset() {
      return base + input.pos;
    }

    /** Reads one instruction; returns its (first) opcode byte. */
    private int instruction() {
      long at = offset();
      int op = input.u8();
      switch (op) {
        case 0x00, 0x01, 0x05, 0x0b, 0x0f, 0x1a, 0x1b -> {}
        case 0x02, 0x03, 0x04 -> blockType();
        case 0x06 -> {
          r.uses(Proposal.LEGACY_EXCEPTIONS, at);
          blockType();
        }
        case 0x07 -> {
          r.uses(Proposal.LEGACY_EXCEPTIONS, at);
          input.unsigned(32);
        }
        case 0x08 -> {
          r.uses(Proposal.EXCEPTIONS, at);
          input.unsigned(32);
        }
        case 0x09, 0x18 -> {
          r.uses(Proposal.LEGACY_EXCEPTIONS, at);
          input.unsigned(32);
        }
        case 0x19 -> r.uses(Proposal.LEGACY_EXCEPTIONS, at);
        case 0x0a -> r.uses(Proposal.EXCEPTIONS, at);
        case 0x1f -> {
          r.uses(Proposal.EXCEPTIONS, at);
          blockType();
          int n = count();
          for (int i = 0; i < n; i++) {
            int kind = input.u8();
            if (kind > 3) {
              throw WasmFormatException.malformed(at, "unknown catch kind " + kind);
            }
            if (kind < 2) {
              input.unsigned(32);
            }
            input.unsigned(32);
          }
        }
        case 0x0c, 0x0d, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24 -> input.unsigned(32);
        case 0x0e -> {
          int n = count();
          for (int i = 0; i <= n; i++) {
            input.unsigned(32);
          }
        }
        case 0x11 -> {
          input.unsigned(32);
          tableIndex(at);
        }
        case 0x12 -> {
          r.uses(Proposal.TAIL_CALLS, at);
          input.unsigned(32);
        }
        case 0x13 -> {
          r.uses(Proposal.TAIL_CALLS, at);
          input.unsigned(32);
          tableIndex(at);
        }
        case 0x14, 0x15, 0xd3, 0xd4, 0xd5, 0xd6 ->
            throw Reading.unsupported(
                Proposal.FUNCTION_REFERENCES, at, String.format("opcode 0x%02x", op));
        case 0x1c -> {
          r.uses(Proposal.REFERENCE_TYPES, at);
          int n = count();
          for (int i = 0; i < n; i++) {
            r.valueType("select type", offset(), input.u8());
          }
        }
        case 0x25, 0x26 -> {
          r.uses(Proposal.REFERENCE_TYPES, at);
          input.unsigned(32);
        }
        case 0x3f, 0x40 -> memoryIndex(at);
        case 0x41 -> input.signed(32);
        case 0x42 -> input.signed(64);
        case 0x43 -> input.skip(4);
        case 0x44 -> input.skip(8);
        case 0xd0 -> {
          r.uses(Proposal.REFERENCE_TYPES, at);
          long code = input.signed(33);
          if (code != -0x10 && code != -0x11) { // 0x70 func, 0x6f extern, as s33
            throw Reading.unsupported(
                code >= 0 ? Proposal.FUNCTION_REFERENCES : Proposal.GC, at, "heap type " + code);
          }
        }
        case 0xd1 -> r.uses(Proposal.REFERENCE_TYPES, at);
        case 0xd2 -> {
          r.uses(Proposal.REFERENCE_TYPES, at);
          input.unsigned(32);
        }
        case 0xfb -> throw Reading.unsupported(Proposal.GC, at, "opcode 0xfb");
        case 0xfc -> misc(at);
        case 0xfd -> simd(at);
        case 0xfe -> atomic(at);
        default -> {
          if (op >= 0x28 && op <= 0x3e) {
            memarg(at);
          } else if (op >= 0x45 && op <= 0xc4) {
            if (op >= 0xc0) {
              r.uses(Proposal.SIGN_EXTENSION, at);
            }
          } else {
            throw WasmFormatException.malformed(at, String.format("unknown opcode 0x%02x", op));
          }
        }
      }
      return op;
    }

    /** A vector length: each entry takes at least a byte, so a larger one is a lie. */
    private int count() {
      long n = input.unsigned(32);
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a count of " + n);
      }
      return (int) n;
    }

    private void blockType() {
      long at = offset();
      int b = input.u8();
      if (b == 0x40) {
        return;
      }
      if ((b & 0x80) == 0 && (b & 0x40) != 0) { // a one-byte negative s33: a value type
        r.valueType("block type", at, b);
        return;
      }
      long index = b & 0x7f;
      int shift = 7;
      while ((b & 0x80) != 0) {
        if (shift > 28) {
          throw WasmFormatException.malformed(at, "block type: integer representation too long");
        }
        b = input.u8();
        index |= (long) (b & 0x7f) << shift;
        shift += 7;
      }
      if ((b & 0x40) != 0) {
        throw WasmFormatException.malformed(at, "unknown block type");
      }
      r.uses(Proposal.MULTI_VALUE, at); // a block typed by a function type
    }

    private void tableIndex(long at) {
      if (input.unsigned(32) != 0) {
        r.uses(Proposal.REFERENCE_TYPES, at);
      }
    }

    private void memoryIndex(long at) {
      if (input.unsigned(32) != 0) {
        r.uses(Proposal.MULTI_MEMORY, at);
      }
    }

    private void memarg(long at) {
      long align = input.unsigned(32);
      if ((align & 0x40) != 0) {
        r.uses(Proposal.MULTI_MEMORY, at);
        input.unsigned(32);
      }
      input.unsigned(64);
    }

    private void misc(long at) {
      long sub = input.unsigned(32);
      if (sub <= 7) {
        r.uses(Proposal.NON_TRAPPING_FLOAT_TO_INT, at);
        return;
      }
      r.uses(sub <= 14 ? Proposal.BULK_MEMORY : Proposal.REFERENCE_TYPES, at);
      switch ((int) Math.min(sub, 99)) {
        case 8 -> { // memory.init
          input.unsigned(32);
          memoryIndex(at);
        }
        case 9, 13 -> input.unsigned(32); // data.drop, elem.drop
        case 10 -> { // memory.copy
          memoryIndex(at);
          memoryIndex(at);
        }
        case 11 -> memoryIndex(at); // memory.fill
        case 12, 14 -> { // table.init, table.copy
          input.unsigned(32);
          input.unsigned(32);
        }
        case 15, 16, 17 -> input.unsigned(32); // table.grow, table.size, table.fill
        default -> throw WasmFormatException.malformed(at, "unknown opcode 0xfc " + sub);
      }
    }

    private void simd(long at) {
      long sub = input.unsigned(32);
      r.uses(Proposal.SIMD, at);
      if (sub >= 0x100 && sub <= 0x113) {
        r.uses(Proposal.RELAXED_SIMD, at);
        return;
      }
      if (sub > 0xff) {
        throw WasmFormatException.malformed(at, "unknown SIMD opcode " + sub);
      }
      if (sub <= 11 || sub == 92 || sub == 93) {
        memarg(at);
      } else if (sub == 12 || sub == 13) {
        input.skip(16);
      } else if (sub >= 21 && sub <= 34) {
        input.u8();
      } else if (sub >= 84 && sub <= 91) {
        memarg(at);
        input.u8();
      }
    }

    private void atomic(long at) {
      r.uses(Proposal.THREADS, at);
      long sub = input.unsigned(32);
      if (sub == 3) {
        input.u8();
      } else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) {
        memarg(at);
      } else {
        throw WasmFormatException.malformed(at, "unknown atomic opcode " + sub);
      }
    }
  }

  /** Section ids with their required order (tags sit between memories and globals). */
  private enum Section {
    CUSTOM(0, 0, "custom section"),
    TYPE(1, 1, "type section"),
    IMPORT(2, 2, "import section"),
    FUNCTION(3, 3, "function section"),
    TABLE(4, 4, "table section"),
    MEMORY(5, 5, "memory section"),
    TAG(13, 6, "tag section"),
    GLOBAL(6, 7, "global section"),
    EXPORT(7, 8, "export section"),
    START(8, 9, "start section"),
    ELEMENT(9, 10, "element section"),
    DATA_COUNT(12, 11, "data count section"),
    CODE(10, 12, "code section"),
    DATA(11, 13, "data section");

    final int id;
    final int rank;
    final String label;

    Section(int id, int rank, String label) {
      this.id = id;
      this.rank = rank;
      this.label = label;
    }

    static Section of(int id) {
      for (Section s : values()) {
        if (s.id == id) {
          return s;
        }
      }
      return null;
    }

    String label() {
      return label + " (id " + id + ")";
    }
  }
}
