package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.daemon.DaemonParts;
import org.weverywhere.daemon.TestDaemonConfig;
import org.weverywhere.daemon.endpoint.Endpoints;
import org.weverywhere.daemon.endpoint.LoopbackBulkServer;

/**
 * Go programs nobody here wrote, end to end: Go's own {@code cmd/gofmt} and {@code cmd/vet}, built
 * for {@code wasip1} by the Go toolchain (compile-example-programs.py), sent by {@code weverywhere
 * run} as a user types it to a daemon (its real beans under Weld SE, UDP and the bulk channel on
 * loopback, the default engine). Go's runtime imports most of WASI preview 1 whether a program uses
 * it or not, sets descriptors non-blocking, reads directories, renames and removes files.
 *
 * <p>The oracle is Node's own WASI ({@code node:wasi}) running the same module. One exception,
 * found here: under Node, {@code gofmt -w} appends the formatted file to the original instead of
 * replacing it, because Node's WASI turns Go's {@code fd_fdstat_set_flags(NONBLOCK)} into {@code
 * fcntl(F_SETFL, O_APPEND|O_NONBLOCK)} (strace). So the files {@code -w} writes are compared with
 * what Node's gofmt prints for each file, which does not write.
 */
@EnableWeld
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoProgramsAgainstDaemonTest {
  private static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  private static final Path NODE_RUNNER =
      Path.of("../shared/src/test/resources/org/weverywhere/examples/wasi-run.mjs");
  private static final String GOFMT = EXAMPLES.resolve("gofmt.wasi").toString();
  private static final String GOVET = EXAMPLES.resolve("govet.wasi").toString();

  /** Source as someone types it, not as gofmt leaves it. */
  private static final String MESSY =
      """
      package shapes
      import "math"
      type Circle struct{ R float64 }
      func (c Circle) Area() float64 {
      return math.Pi*c.R*c.R
      }
      func  Sum(xs []float64)(total float64){
      	for _,x:=range xs[0:len(xs)] { total+=x }
      	return
      }
      """;

  private static final TestDaemonConfig DAEMON =
      // before the class's Weld container starts. A Go program's memory starts at 18 MiB (288
      // pages), more than the sample's 16 MiB per execution for anonymous, and sending a 4.6 to
      // 12 MB module at once is over anonymous's 256 KiB/s (and the host's 10 MiB/s): this daemon
      // grants more
      TestDaemonConfig.prepare(
          "go-daemon",
          List.of(),
          "group.anonymous.privileges = execute",
          "host.quota.network.rate = 1GiB/s",
          "group.anonymous.quota.network.rate = 1GiB/s",
          "group.anonymous.quota.memory = 512MiB",
          "group.anonymous.quota.memory.per-execution = 256MiB",
          "group.anonymous.quota.cpu-time.per-execution = 60s");

  @WeldSetup WeldInitiator weld = WeldInitiator.from(DaemonParts.weld()).build();

  @jakarta.inject.Inject Endpoints endpoints;

  private LoopbackBulkServer http;

  @BeforeAll
  void serveHttp() throws IOException {
    Assumptions.assumeTrue(
        Files.isRegularFile(Path.of(GOFMT)),
        GOFMT + " not built: compile-example-programs.py needs Go 1.21+ (golang-1.23-go)");
    http = LoopbackBulkServer.start(endpoints, DAEMON.httpPort());
  }

  @AfterAll
  void stop() {
    if (http != null) {
      http.close();
    }
    TestDaemonConfig.clear();
  }

  private static CliRun we(String... args) {
    return CliRun.against(DAEMON.udpPort(), args);
  }

  @Test
  void gofmtFormatsStdinAsNodeDoes(@TempDir Path dir) throws Exception {
    Path input = Files.writeString(dir.resolve("shapes.go"), MESSY);
    CliRun run = we("run", "--peer", "go-daemon", GOFMT, "--stdin", input.toString());
    Node node = Node.run(MESSY, GOFMT, List.of());
    assertEquals(0, run.status(), run.toString());
    assertEquals(node.out(), run.out(), "stdout against node:wasi");
    assertEquals(
        """
        package shapes

        import "math"

        type Circle struct{ R float64 }

        func (c Circle) Area() float64 {
        	return math.Pi * c.R * c.R
        }
        func Sum(xs []float64) (total float64) {
        	for _, x := range xs[0:len(xs)] {
        		total += x
        	}
        	return
        }
        """,
        run.out());
  }

  @Test
  void gofmtTakesItsArgumentsAndFailsLikeGoDoes(@TempDir Path dir) throws Exception {
    Path input = Files.writeString(dir.resolve("shapes.go"), MESSY);
    // -s simplifies xs[0:len(xs)] to xs[0:]; -r rewrites by a pattern; -e reports every error
    List<String> args = List.of("-s", "-r", "math.Pi -> 3.14159");
    CliRun run =
        we(
            cat(
                List.of("run", "--peer", "go-daemon", GOFMT, "--stdin", input.toString(), "--"),
                args));
    Node node = Node.run(MESSY, GOFMT, args);
    assertEquals(0, run.status(), run.toString());
    assertEquals(node.out(), run.out());
    assertTrue(run.out().contains("for _, x := range xs[0:] {"), run.out());
    assertTrue(run.out().contains("return 3.14159 * c.R * c.R"), run.out());

    String broken = "package p\nfunc f( {\n";
    Path bad = Files.writeString(dir.resolve("broken.go"), broken);
    CliRun failed = we("run", "--peer", "go-daemon", GOFMT, "--stdin", bad.toString(), "--", "-e");
    Node nodeFailed = Node.run(broken, GOFMT, List.of("-e"));
    assertEquals(2, nodeFailed.status(), nodeFailed.err());
    assertEquals(nodeFailed.status(), failed.status(), failed.toString());
    assertEquals("", failed.out());
    assertTrue(
        failed.err().startsWith(nodeFailed.err()), failed.err() + " against " + nodeFailed.err());
    assertTrue(failed.err().startsWith("<standard input>:2:9: "), failed.err());
  }

  @Test
  void gofmtRewritesAPreopenedTreeAndOutBringsItBack(@TempDir Path dir) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("shapes.go"), MESSY);
    Files.createDirectories(src.resolve("sub/deeper"));
    Files.writeString(src.resolve("sub/deeper/b.go"), "package deeper\nvar   ( x=1;y = 2 )\n");
    String tidy = "package sub\n\nfunc F() int { return 1 }\n";
    Files.writeString(src.resolve("sub/c.go"), tidy);
    Files.writeString(src.resolve("notes.txt"), "not Go   at all\n");
    Path out = dir.resolve("out");

    CliRun run =
        we(
            "run",
            "--peer",
            "go-daemon",
            GOFMT,
            "--dir",
            src + "::/src",
            "--out",
            out.toString(),
            "--",
            "-l",
            "-w",
            "/src");
    assertEquals(0, run.status(), run.toString());
    // what -l lists, Node lists too (without -w: see the class comment)
    Node listed = Node.run("", GOFMT, List.of("--dir", src + "::/src"), List.of("-l", "/src"));
    assertEquals(listed.out(), run.out());
    assertEquals("/src/shapes.go\n/src/sub/deeper/b.go\n", run.out());

    Path back = out.resolve("src");
    for (String file : List.of("shapes.go", "sub/deeper/b.go")) {
      Node formatted =
          Node.run("", GOFMT, List.of("--dir", src + "::/src"), List.of("/src/" + file));
      assertEquals(0, formatted.status(), formatted.err());
      assertEquals(formatted.out(), Files.readString(back.resolve(file)), file);
    }
    assertEquals(tidy, Files.readString(back.resolve("sub/c.go")));
    assertEquals("not Go   at all\n", Files.readString(back.resolve("notes.txt")));
    try (Stream<Path> files = Files.walk(back)) {
      // gofmt's backup copies (NAME.go.NUMBER) were made and removed inside the sandbox
      assertEquals(
          List.of("notes.txt", "shapes.go", "sub", "sub/c.go", "sub/deeper", "sub/deeper/b.go"),
          files
              .filter(p -> !p.equals(back))
              .map(p -> back.relativize(p).toString())
              .sorted()
              .toList());
    }
    assertEquals(MESSY, Files.readString(src.resolve("shapes.go")), "the local tree is untouched");
  }

  @Test
  void goVetAnalysesAFileFromItsDirectory(@TempDir Path dir) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(
        src.resolve("a.go"), "package a\n\nfunc f(x int) int {\n\tx = x\n\treturn x\n}\n");
    // the configuration `go vet` hands the vet tool: one package, no imports
    Files.writeString(
        src.resolve("vet.cfg"),
        """
        {"ID":"a","Compiler":"gc","Dir":"/src","ImportPath":"a","GoVersion":"go1.23",\
        "GoFiles":["/src/a.go"],"ImportMap":{},"PackageFile":{},"Standard":{},"PackageVetx":{},\
        "VetxOnly":false,"VetxOutput":"/src/vet.out","SucceedOnTypecheckFailure":false}
        """);
    CliRun run =
        we("run", "--peer", "go-daemon", GOVET, "--dir", src + "::/src", "--", "/src/vet.cfg");
    Node node = Node.run("", GOVET, List.of("--dir", src + "::/src"), List.of("/src/vet.cfg"));
    assertEquals(1, node.status(), node.err());
    assertEquals(node.status(), run.status(), run.toString());
    assertEquals("/src/a.go:4:2: self-assignment of x to x\n", node.err());
    assertTrue(run.err().startsWith(node.err()), run.toString());
  }

  private static String[] cat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(String[]::new);
  }

  /** The same module under node:wasi, the oracle. */
  record Node(int status, String out, String err) {
    static Node run(String stdin, String module, List<String> args) throws Exception {
      return run(stdin, module, List.of(), args);
    }

    static Node run(String stdin, String module, List<String> options, List<String> args)
        throws Exception {
      List<String> command =
          new ArrayList<>(
              List.of("node", "--no-warnings", NODE_RUNNER.toString(), "command", module));
      command.addAll(options);
      command.add("--");
      command.addAll(args);
      Process process;
      try {
        process = new ProcessBuilder(command).start();
      } catch (IOException e) {
        Assumptions.abort("node is not installed (apt-get install nodejs): " + e.getMessage());
        throw e;
      }
      try (var in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      var out = process.getInputStream().readAllBytes();
      var err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("node did not finish in 60 s: " + command);
      }
      return new Node(
          process.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    }
  }
}
