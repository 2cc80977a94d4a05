package org.weverywhere.desktop.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.net.DaemonEvent;

/**
 * The Events screen's logic without a screen: filters, the bound on what is kept, a missing socket.
 */
class EventsModelTest {
  private static final Executor NOW = Runnable::run;

  static DaemonEvent event(long seq, String type, String requester, String group) {
    return DaemonEvent.parse(
        "{\"specversion\":\"1.0\",\"id\":\""
            + seq
            + "\",\"source\":\"/weverywhere/SHA256:n\","
            + "\"type\":\"org.weverywhere."
            + type
            + "\",\"time\":\"2026-11-25T22:41:07Z\",\"weverywhereseq\":"
            + seq
            + ",\"data\":{\"requester\":\""
            + requester
            + "\",\"group\":\""
            + group
            + "\",\"messageId\":\"x\","
            + "\"cpuNanos\":41210,\"ending\":\"returned\"}}");
  }

  @Test
  void filtersByRequesterGroupAndKindIgnoringCase(@TempDir Path dir) {
    var model = new EventsModel(() -> dir.resolve("none.sock"), NOW, NOW);
    model.add(
        List.of(
            event(1, "execution.finished", "SHA256:alice", "friends"),
            event(2, "execution.finished", "SHA256:bob", "anonymous"),
            event(3, "quota.refused", "SHA256:bob", "anonymous")));
    assertEquals(3, model.shown().size());
    model.requesterFilterProperty().set("BOB");
    assertEquals(List.of(2L, 3L), model.shown().stream().map(DaemonEvent::sequence).toList());
    model.kindFilterProperty().set("quota");
    assertEquals(List.of(3L), model.shown().stream().map(DaemonEvent::sequence).toList());
    model.requesterFilterProperty().set("");
    model.kindFilterProperty().set("");
    model.groupFilterProperty().set("friends");
    assertEquals(List.of(1L), model.shown().stream().map(DaemonEvent::sequence).toList());
    assertEquals("cpuNanos=41210 ending=returned", model.shown().getFirst().detailText());
  }

  @Test
  void keepsOnlyTheNewestEvents(@TempDir Path dir) {
    var model = new EventsModel(() -> dir.resolve("none.sock"), NOW, NOW);
    List<DaemonEvent> many = new ArrayList<>();
    for (int i = 1; i <= EventsModel.KEPT + 5; i++) {
      many.add(event(i, "request.received", "SHA256:a", "anonymous"));
    }
    model.add(many);
    assertEquals(EventsModel.KEPT, model.shown().size());
    assertEquals(6, model.shown().getFirst().sequence());
  }

  @Test
  void aMissingSocketIsSaidAndFollowingEnds(@TempDir Path dir) {
    var model = new EventsModel(() -> dir.resolve("none.sock"), NOW, NOW);
    model.follow();
    assertFalse(model.followingProperty().get());
    assertTrue(
        model.statusProperty().get().startsWith("no control socket at " + dir.resolve("none.sock")),
        model.statusProperty().get());
    assertTrue(model.statusProperty().get().endsWith("[WE9004]"), model.statusProperty().get());
  }
}
