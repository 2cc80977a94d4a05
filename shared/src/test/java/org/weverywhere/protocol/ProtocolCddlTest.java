package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CDDL of docs/PROTOCOL.md, extracted from its {@code cddl} blocks (so the schema cannot drift
 * from the text) and read by an existing CDDL tool, the npm package {@code cddl}: it must parse,
 * name only rules it defines, and give every message type a body rule. That package parses CDDL and
 * does not validate instances (docs/PROTOCOL.md §9 says what is and is not checked, and why).
 *
 * <p>The tool is installed into target/ by this test with {@code npm install --prefix}; without
 * node or npm on the PATH the test is skipped, saying so.
 */
class ProtocolCddlTest {
  private static final String TOOL = "cddl@0.21.2";
  private static final Path ROOT = Path.of(System.getProperty("weverywhere.root", ".."));
  private static final Path WORK = Path.of("target", "cddl-tool");

  /** CDDL's prelude types (RFC 8610 Appendix D) that the schema uses without defining. */
  private static final Set<String> PRELUDE =
      Set.of(
          "any",
          "uint",
          "nint",
          "int",
          "bstr",
          "bytes",
          "tstr",
          "text",
          "bool",
          "true",
          "false",
          "nil",
          "null",
          "float",
          "undefined");

  private static JsonNode ast;

  @BeforeAll
  static void parseTheSpecsCddl() throws IOException, InterruptedException {
    String node = onPath("node");
    String npm = onPath("npm");
    if (node == null || npm == null) {
      String why =
          "ProtocolCddlTest skipped: no "
              + (node == null ? "node" : "npm")
              + " on the PATH (apt-get install"
              + " nodejs npm) to run the CDDL tool "
              + TOOL;
      System.out.println(why);
      Assumptions.abort(why);
    }
    Files.createDirectories(WORK);
    if (!Files.exists(WORK.resolve("node_modules/cddl/package.json"))) {
      Result install =
          run(
              List.of(
                  npm,
                  "install",
                  "--prefix",
                  WORK.toString(),
                  "--no-audit",
                  "--no-fund",
                  "--loglevel=error",
                  TOOL),
              300);
      assertEquals(0, install.status(), "npm install " + TOOL + " failed:\n" + install.output());
    }
    Path cddl = WORK.resolve("protocol.cddl");
    Files.writeString(cddl, extract(Files.readString(ROOT.resolve("docs/PROTOCOL.md"))));
    Path script = WORK.resolve("ast.mjs");
    Files.writeString(
        script,
        """
        import { parse } from 'cddl';
        console.log(JSON.stringify(parse(process.argv[2])));
        """);
    Result parsed = run(List.of(node, script.toString(), cddl.toAbsolutePath().toString()), 60);
    assertEquals(
        0, parsed.status(), "the CDDL of docs/PROTOCOL.md does not parse:\n" + parsed.output());
    ast = new ObjectMapper().readTree(parsed.output());
  }

  @Test
  void theSchemaParsesAndDefinesTheRulesItNames() {
    Set<String> defined = new TreeSet<>();
    ast.forEach(rule -> defined.add(rule.get("Name").asText()));
    Set<String> named = new TreeSet<>();
    references(ast, named);
    named.removeAll(defined);
    named.removeAll(PRELUDE);
    assertEquals(Set.of(), named, "rules named in docs/PROTOCOL.md's CDDL but not defined there");
    assertTrue(
        defined.containsAll(
            List.of("Payload", "Body", "MessageType", "Library", "Function", "Value")),
        defined.toString());
  }

  @Test
  void everyMessageTypeOfTheCodeHasABodyRuleOfItsName() {
    Set<String> types = new TreeSet<>();
    for (JsonNode rule : ast) {
      if (rule.get("Name").asText().equals("MessageType")) {
        rule.findValues("Value").forEach(v -> types.add(v.asText()));
      }
    }
    assertEquals(
        new TreeSet<>(Message.TYPES),
        types,
        "MessageType in the spec against Message.TYPES in the code");
    Set<String> defined = new TreeSet<>();
    ast.forEach(rule -> defined.add(rule.get("Name").asText()));
    Set<String> missing = new TreeSet<>(types);
    missing.removeAll(defined);
    assertEquals(Set.of(), missing, "message types without a body rule of the same name");
    Set<String> bodies = new TreeSet<>();
    for (JsonNode rule : ast) {
      if (rule.get("Name").asText().equals("Body")) {
        references(rule, bodies);
      }
    }
    assertEquals(types, bodies, "Body must be the choice of every message type's body rule");
  }

  /**
   * What the Java encoder writes is declared by the schema: every key of every valid vector's
   * payload and body is a key its CDDL rule names (a key the code sends and the spec does not
   * document is drift, even though receivers would ignore it).
   */
  @Test
  void everyKeyTheValidVectorsCarryIsDeclared() throws IOException {
    var cases =
        new ReceiverCases(
                VectorKeys.fromSeed(VectorKeys.CLIENT_SEED),
                VectorKeys.fromSeed(VectorKeys.NODE_SEED),
                org.weverywhere.trust.Fingerprint.of(
                    VectorKeys.fromSeed(VectorKeys.NODE_SEED).getPublic()),
                ProtocolVectors.SIGNED_AT,
                ProtocolVectors.NOW,
                n -> new MessageId(1, n))
            .all();
    List<String> undeclared = new ArrayList<>();
    int checked = 0;
    for (ReceiverCases.Case c : cases) {
      if (!(c.expect() instanceof ReceiverCases.Expect.Valid)
          || c.name().equals("valid-unknown-keys")) {
        continue;
      }
      byte[] payload = ReceiverCases.payloadOf(c.wire());
      @SuppressWarnings("unchecked")
      var map =
          (java.util.Map<String, Object>)
              Cbor.decode(payload, 0, payload.length, WireLimits.HTTP, "payload");
      Set<String> top = keysOf("Payload");
      map.keySet().stream()
          .filter(k -> !top.contains(k))
          .forEach(k -> undeclared.add(c.name() + ": " + k));
      String type = (String) map.get("t");
      Set<String> body = keysOf(type);
      ((java.util.Map<?, ?>) map.get("body"))
          .keySet().stream()
              .filter(k -> !body.contains(k))
              .forEach(k -> undeclared.add(c.name() + ": body." + k));
      checked++;
    }
    assertTrue(checked >= 15, "valid vectors checked: " + checked);
    assertEquals(
        List.of(), undeclared, "keys the code sends that docs/PROTOCOL.md's CDDL does not declare");
  }

  /** The member keys a map rule of the schema names at its first level. */
  private static Set<String> keysOf(String rule) {
    Set<String> keys = new TreeSet<>();
    boolean found = false;
    for (JsonNode r : ast) {
      if (r.get("Name").asText().equals(rule)) {
        found = true;
        r.path("Properties")
            .forEach(
                p -> {
                  if (p.has("Name") && !p.get("Name").asText().isEmpty()) {
                    keys.add(p.get("Name").asText());
                  }
                });
      }
    }
    if (!found) {
      throw new AssertionError("no rule '" + rule + "' in the schema");
    }
    return keys;
  }

  /**
   * Every rule a part of the AST refers to: {@code {"Type": "group", "Value": "Name"}}, or a bare
   * type name.
   */
  private static void references(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      JsonNode type = node.get("Type");
      JsonNode value = node.get("Value");
      if (type != null
          && type.isTextual()
          && type.asText().equals("group")
          && value != null
          && value.isTextual()) {
        into.add(value.asText());
      }
      node.forEach(child -> references(child, into));
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        if (child.isTextual()) {
          into.add(child.asText()); // a property's type list holds prelude names as plain strings
        } else {
          references(child, into);
        }
      }
    }
  }

  /** The contents of every {@code ```cddl} block, in order. */
  static String extract(String markdown) {
    Matcher blocks = Pattern.compile("(?m)^```cddl\\n(.*?)^```$", Pattern.DOTALL).matcher(markdown);
    StringBuilder cddl = new StringBuilder();
    while (blocks.find()) {
      cddl.append(blocks.group(1)).append('\n');
    }
    if (cddl.isEmpty()) {
      throw new IllegalStateException("docs/PROTOCOL.md has no ```cddl block");
    }
    return cddl.toString();
  }

  private record Result(int status, String output) {}

  private static Result run(List<String> command, long seconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(WORK, "run", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + " did not finish within " + seconds + " s");
      }
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String onPath(String program) {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program).toString();
      }
    }
    return null;
  }
}
