package org.weverywhere.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.weverywhere.files.DirTree;
import org.weverywhere.files.Preopen;
import org.weverywhere.files.TreeEntry;

/** Directory trees on the wire: a round trip, and every malformed shape a ProtocolException. */
class WireTreesTest {
  static Map<String, Object> command(Object dirs) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("args", List.of("p"));
    run.put("env", Map.of());
    run.put("stdin", new byte[0]);
    run.put("dirs", dirs);
    return run;
  }

  static Message.Invocation read(Object dirs) {
    return Message.Invocation.read(Fields.of(command(dirs), "run"));
  }

  @Test
  void aTreeSurvivesTheWire() {
    var tree =
        new Preopen(
            "/",
            new DirTree(
                List.of(
                    new TreeEntry.Directory("d", 5),
                    new TreeEntry.File("d/f", new byte[] {1, 2}, 6),
                    new TreeEntry.Symlink("l", "d/f", 7))));
    var sent = new Message.Command(List.of("p"), Map.of(), new byte[0], List.of(tree));
    var received = (Message.Command) Message.Invocation.read(Fields.of(sent.toMap(), "run"));
    assertEquals(List.of(tree), received.dirs());
    assertEquals(
        List.of(),
        ((Message.Command)
                Message.Invocation.read(
                    Fields.of(
                        new Message.Command(List.of(), Map.of(), new byte[0]).toMap(), "run")))
            .dirs());
  }

  @Test
  void malformedTreesAreProtocolErrors() {
    Map<String, Object> file =
        Map.of("path", "f", "kind", "file", "data", new byte[0], "mtime", 0L);
    for (Object dirs :
        List.of(
            "not a list",
            List.of("not a map"),
            List.of(Map.of("guest", "", "entries", List.of())),
            List.of(Map.of("guest", "a\0b", "entries", List.of())),
            List.of(
                Map.of(
                    "guest",
                    "/",
                    "entries",
                    List.of(Map.of("path", "f", "kind", "pipe", "mtime", 0L)))),
            List.of(
                Map.of(
                    "guest",
                    "/",
                    "entries",
                    List.of(Map.of("path", "f", "kind", "file", "mtime", 0L)))),
            List.of(
                Map.of(
                    "guest",
                    "/",
                    "entries",
                    List.of(Map.of("path", "l", "kind", "link", "mtime", 0L)))),
            List.of(
                Map.of(
                    "guest",
                    "/",
                    "entries",
                    List.of(Map.of("path", 7L, "kind", "dir", "mtime", 0L)))),
            List.of(Map.of("guest", "/", "entries", "x")),
            java.util.Collections.nCopies(65, Map.of("guest", "/", "entries", List.of(file))))) {
      var e = assertThrows(ProtocolException.class, () -> read(dirs), String.valueOf(dirs));
      assertTrue(e.getMessage().contains("run.dirs"), e.getMessage());
    }
  }
}
