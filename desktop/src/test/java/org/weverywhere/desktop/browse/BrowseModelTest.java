package org.weverywhere.desktop.browse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.weverywhere.desktop.ScriptedNetworkClient;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.trust.Ed25519;

class BrowseModelTest {
  private final ScriptedNetworkClient client = new ScriptedNetworkClient();
  private final EventBus bus = new EventBus();
  private final BrowseModel model = new BrowseModel(client, bus, Runnable::run, Runnable::run);
  private final ExplorerEvent.PeerChoice lab = peer("lab-1");
  private final ExplorerEvent.PeerChoice build = peer("build");

  private static ExplorerEvent.PeerChoice peer(String name) {
    return new ExplorerEvent.PeerChoice(
        name,
        new DaemonAddress(
            new MessageSigner(Ed25519.generate()).fingerprint(),
            new InetSocketAddress("127.0.0.1", 22341),
            22341));
  }

  private static Message.Library library(String name, String... exports) {
    return new Message.Library(name, "1.0.0", new byte[32], 1904, List.of(exports));
  }

  private static List<String> labels(Offer.Tree tree) {
    return tree.children().stream().map(t -> t.offer().label()).toList();
  }

  @Test
  void aPeerIsDescribedWhenItAppearsAndShowsLibrariesTypedFunctionsAndServices() {
    client.describer =
        peer ->
            peer.equals(lab.address())
                ? new Message.Description(
                    Map.of(),
                    List.of(
                        library("math", "add (i32, i32) -> i32", "gcd (i64, i64) -> i64"),
                        library("fib", "fib")),
                    List.of(
                        new Message.Service(
                            "clock",
                            "fib",
                            java.util.Optional.empty(),
                            List.of(),
                            1,
                            1,
                            "running",
                            0,
                            java.util.Optional.empty())))
                : new Message.Description(Map.of(), List.of(), List.of());
    List<ExplorerEvent.PeerDescribed> told = new java.util.ArrayList<>();
    bus.subscribe(ExplorerEvent.PeerDescribed.class, told::add);

    bus.publish(new ExplorerEvent.PeersChanged(List.of(lab, build)));

    assertEquals(
        List.of(lab, build),
        told.stream().map(ExplorerEvent.PeerDescribed::peer).toList(),
        "each newcomer described once, and the other screens told");
    Offer.Tree first = model.tree().getFirst();
    assertEquals("lab-1", first.offer().label());
    assertEquals(List.of("math 1.0.0", "fib 1.0.0", "clock (service of fib)"), labels(first));
    assertEquals(
        List.of("add (i32, i32) -> i32", "gcd (i64, i64) -> i64"),
        labels(first.children().getFirst()));
    Offer add = first.children().getFirst().children().getFirst().offer();
    assertTrue(
        add.detail().startsWith("function add\nsignature (i32, i32) -> i32\nof library math 1.0.0"),
        add.detail());
    bus.publish(new ExplorerEvent.PeersChanged(List.of(lab, build)));
    assertEquals(
        2, told.size(), "a peer already listed is not described again on its next announce");
    Offer math = first.children().getFirst().offer();
    model.select(math);
    assertTrue(model.selectedProperty().get().detail().contains("sha256 " + "00".repeat(32)));
    assertTrue(math.detail().contains("size 1904 bytes"));
  }

  @Test
  void theSearchKeepsOnlyWhatMatchesAndThePathToIt() {
    client.describer =
        peer ->
            new Message.Description(Map.of(), List.of(library("math", "add", "gcd")), List.of());
    bus.publish(new ExplorerEvent.PeersChanged(List.of(lab, build)));

    model.filterProperty().set("GCD");
    assertEquals(2, model.tree().size(), "both peers have it");
    assertEquals(List.of("gcd"), labels(model.tree().getFirst().children().getFirst()));

    model.filterProperty().set("nothing-like-this");
    assertEquals(List.of(), model.tree());
    model.filterProperty().set("");
    assertEquals(List.of("add", "gcd"), labels(model.tree().getFirst().children().getFirst()));
  }

  @Test
  void aRefusedDescribeIsShownOnThePeerWithItsCode() {
    client.describer =
        peer -> {
          throw new ProtocolException(
              ProtocolException.Reason.NO_ANSWER, "http://127.0.0.1:22341 did not answer");
        };
    bus.publish(new ExplorerEvent.PeersChanged(List.of(lab)));
    String label = model.tree().getFirst().offer().label();
    assertTrue(
        label.startsWith("lab-1 — not described: http://127.0.0.1:22341 did not answer [WE"),
        label);
  }

  @Test
  void aPeerThatGoesAwayLeavesTheTree() {
    client.describer = peer -> new Message.Description(Map.of(), List.of(), List.of());
    bus.publish(new ExplorerEvent.PeersChanged(List.of(lab, build)));
    bus.publish(new ExplorerEvent.PeersChanged(List.of(build)));
    assertEquals(List.of("build"), model.tree().stream().map(t -> t.offer().label()).toList());
  }
}
