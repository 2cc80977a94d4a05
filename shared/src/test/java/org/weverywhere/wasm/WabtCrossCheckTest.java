package org.weverywhere.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our reader against wabt's {@code wasm-objdump}, a reader we did not write: for every example
 * program and fixture, imports, exports (with function signatures), memories and custom sections
 * must agree.
 */
class WabtCrossCheckTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));

  @BeforeAll
  static void objdumpPresent() {
    assumeTrue(
        runs("wasm-objdump", "--version"),
        "wasm-objdump not found: apt-get install wabt to cross-check the reader");
  }

  static Stream<Path> modules() throws IOException {
    assertTrue(Files.isDirectory(EXAMPLES), EXAMPLES + " missing: run compile-example-programs.py");
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      List<Path> found =
          files
              .filter(p -> p.toString().endsWith(".wasi") || p.toString().endsWith(".wasm"))
              .sorted()
              .toList();
      assertFalse(found.isEmpty(), "no modules under " + EXAMPLES);
      return found.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void agreesWithWasmObjdump(Path module) throws IOException {
    ModuleInfo ours = new ModuleParser().parse(module);
    Objdump theirs = Objdump.of(module);

    assertEquals(
        theirs.imports,
        ours.imports().stream().map(WabtCrossCheckTest::describe).toList(),
        "imports");
    assertEquals(
        theirs.exports,
        ours.exports().stream()
            .map(
                e ->
                    e.name()
                        + " "
                        + e.type().kind()
                        + "["
                        + e.index()
                        + "] "
                        + (e.type() instanceof ExternType.Function f ? f.type().toString() : ""))
            .map(String::strip)
            .toList(),
        "exports");
    assertEquals(
        theirs.memories,
        ours.memories().stream().map(WabtCrossCheckTest::pages).toList(),
        "memories");
    assertEquals(
        theirs.customs,
        ours.customSections().stream().map(c -> c.name() + " " + c.size()).toList(),
        "custom sections");
    assertEquals(theirs.definedFunctions, ours.functionCount(), "defined functions");
  }

  /** Our import in objdump's words. */
  private static String describe(Import i) {
    String what =
        switch (i.type()) {
          case ExternType.Function f -> "func " + f.type();
          case ExternType.Memory m -> "memory " + pages(m.limits());
          case ExternType.Table t ->
              "table "
                  + t.element()
                  + " initial="
                  + t.limits().min()
                  + (t.limits().max().isPresent() ? " max=" + t.limits().max().getAsLong() : "");
          case ExternType.Global g -> "global " + g.type() + " mutable=" + (g.mutable() ? 1 : 0);
          case ExternType.Tag t -> "tag " + t.type();
        };
    return i.module() + "." + i.name() + " " + what;
  }

  private static String pages(Limits limits) {
    return "initial="
        + limits.min()
        + (limits.max().isPresent() ? " max=" + limits.max().getAsLong() : "");
  }

  /** What {@code wasm-objdump -x} and {@code -h} print, in the same words as {@link #describe}. */
  private record Objdump(
      List<String> imports,
      List<String> exports,
      List<String> memories,
      List<String> customs,
      long definedFunctions) {
    private static final Pattern TYPE = Pattern.compile("^ - type\\[(\\d+)\\] (.*)$");
    private static final Pattern IMPORT_FUNC =
        Pattern.compile("^ - func\\[(\\d+)\\] sig=(\\d+) .*<- (.*)$");
    private static final Pattern IMPORT_MEMORY =
        Pattern.compile("^ - memory\\[\\d+\\] pages: (.*?) <- (.*)$");
    private static final Pattern IMPORT_TABLE =
        Pattern.compile("^ - table\\[\\d+\\] type=(\\w+) (.*?) <- (.*)$");
    private static final Pattern IMPORT_GLOBAL =
        Pattern.compile("^ - global\\[\\d+\\] (\\w+) (mutable=\\d) <- (.*)$");
    private static final Pattern FUNCTION = Pattern.compile("^ - func\\[(\\d+)\\] sig=(\\d+).*$");
    private static final Pattern MEMORY = Pattern.compile("^ - memory\\[\\d+\\] pages: (.*)$");
    private static final Pattern EXPORT = Pattern.compile("^ - (\\w+)\\[(\\d+)\\].* -> \"(.*)\"$");
    private static final Pattern CUSTOM =
        Pattern.compile(
            "^\\s*Custom start=0x([0-9a-f]+) end=0x([0-9a-f]+) \\(size=0x([0-9a-f]+)\\) \"(.*)\"$");

    static Objdump of(Path module) throws IOException {
      List<String> details = run("wasm-objdump", "-x", module.toString());
      Map<Integer, String> types = new HashMap<>();
      Map<Integer, String> functionTypes = new HashMap<>();
      List<String> imports = new ArrayList<>();
      List<String> exports = new ArrayList<>();
      List<String> memories = new ArrayList<>();
      long defined = 0;
      String section = "";
      for (String line : details) {
        if (!line.startsWith(" ")) {
          section = line.replaceAll("\\[.*", "").replace(":", "");
          continue;
        }
        Matcher m;
        switch (section) {
          case "Type" -> {
            if ((m = TYPE.matcher(line)).matches()) {
              types.put(Integer.parseInt(m.group(1)), m.group(2).replace("-> nil", "-> ()"));
            }
          }
          case "Import" -> {
            if ((m = IMPORT_FUNC.matcher(line)).matches()) {
              String sig = types.get(Integer.parseInt(m.group(2)));
              functionTypes.put(Integer.parseInt(m.group(1)), sig);
              imports.add(m.group(3) + " func " + sig);
            } else if ((m = IMPORT_MEMORY.matcher(line)).matches()) {
              imports.add(m.group(2) + " memory " + m.group(1));
            } else if ((m = IMPORT_TABLE.matcher(line)).matches()) {
              imports.add(m.group(3) + " table " + m.group(1) + " " + m.group(2));
            } else if ((m = IMPORT_GLOBAL.matcher(line)).matches()) {
              imports.add(m.group(3) + " global " + m.group(1) + " " + m.group(2));
            } else {
              throw new AssertionError("unrecognised objdump import line: " + line);
            }
          }
          case "Function" -> {
            if ((m = FUNCTION.matcher(line)).matches()) {
              functionTypes.put(
                  Integer.parseInt(m.group(1)), types.get(Integer.parseInt(m.group(2))));
              defined++;
            }
          }
          case "Memory" -> {
            if ((m = MEMORY.matcher(line)).matches()) {
              memories.add(m.group(1));
            }
          }
          case "Export" -> {
            if ((m = EXPORT.matcher(line)).matches()) {
              int index = Integer.parseInt(m.group(2));
              String kind = m.group(1);
              exports.add(
                  (m.group(3)
                          + " "
                          + kind
                          + "["
                          + index
                          + "] "
                          + (kind.equals("func") ? functionTypes.get(index) : ""))
                      .strip());
            }
          }
          default -> {}
        }
      }
      List<String> customs = new ArrayList<>();
      for (String line : run("wasm-objdump", "-h", module.toString())) {
        Matcher m = CUSTOM.matcher(line);
        if (m.matches()) {
          // objdump's size excludes the name; ours is the section's declared size, name included.
          long start = Long.parseLong(m.group(1), 16);
          long end = Long.parseLong(m.group(2), 16);
          customs.add(m.group(4) + " " + (end - start));
        }
      }
      return new Objdump(imports, exports, memories, customs, defined);
    }
  }

  private static boolean runs(String... command) {
    try {
      run(command);
      return true;
    } catch (IOException | AssertionError e) {
      return false;
    }
  }

  private static List<String> run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8).lines().toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
