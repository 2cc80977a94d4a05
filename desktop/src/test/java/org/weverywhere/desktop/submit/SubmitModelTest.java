package org.weverywhere.desktop.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.weverywhere.desktop.Examples;
import org.weverywhere.desktop.ScriptedNetworkClient;
import org.weverywhere.desktop.events.EventBus;
import org.weverywhere.desktop.events.ExplorerEvent;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.trust.Ed25519;
import org.weverywhere.wasm.ModuleParser;

class SubmitModelTest {
  private final ScriptedNetworkClient client = new ScriptedNetworkClient();
  private final EventBus bus = new EventBus();
  private final SubmitModel model = new SubmitModel(client, bus, Runnable::run, Runnable::run);
  private final ExplorerEvent.PeerChoice alpha =
      new ExplorerEvent.PeerChoice(
          "alpha",
          new DaemonAddress(
              new MessageSigner(Ed25519.generate()).fingerprint(),
              new InetSocketAddress("127.0.0.1", 22341),
              22341));

  private void openMath() throws Exception {
    Path math = Examples.wasi("math");
    bus.publish(
        new ExplorerEvent.ModuleOpened(
            math, Files.readAllBytes(math), new ModuleParser().parse(math)));
  }

  @Test
  void anOpenedModuleOffersItsFunctionsAndTheFormFollowsTheChosenSignature() throws Exception {
    openMath();
    assertEquals("math.wasi", model.programProperty().get().toString());
    assertTrue(
        model
            .functions()
            .containsAll(List.of("add", "is_prime", "add_i64", "gcd", "factorial", "mul_f64")),
        model.functions().toString());
    model.chooseFunction("mul_f64");
    ArgumentForm form = model.formProperty().get();
    assertEquals("(f64, f64) -> f64", form.type().toString());
    assertEquals(2, form.fields().size());
  }

  @Test
  void theFormRejectsAbcForAnI32AndNothingCanBeSent() throws Exception {
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    model.chooseFunction("add");
    ArgumentForm form = model.formProperty().get();
    form.fields().get(0).textProperty().set("abc");
    form.fields().get(1).textProperty().set("2");

    assertEquals(
        "'abc' is not an i32: expected a whole number like 42, -7 or 0x2a",
        form.fields().get(0).problem());
    assertFalse(model.canSendBinding().get());
    model.send();
    assertEquals(List.of(), client.executed, "an invalid form sends nothing");

    form.fields().get(0).textProperty().set("40");
    assertTrue(model.canSendBinding().get());
  }

  @Test
  void withoutAnyLivePeerNothingCanBeSent() throws Exception {
    openMath();
    model.chooseFunction("is_prime");
    model.formProperty().get().fields().getFirst().textProperty().set("7");
    assertFalse(model.canSendBinding().get());
  }

  @Test
  void sendingCallsTheFunctionOnTheChosenPeerWithTypedArgumentsAndShowsTheResult()
      throws Exception {
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    model.chooseFunction("add");
    model.formProperty().get().fields().get(0).textProperty().set("40");
    model.formProperty().get().fields().get(1).textProperty().set("0x2");
    client.executor =
        request ->
            new Message.Result(
                "completed",
                0,
                new byte[0],
                "warn".getBytes(StandardCharsets.UTF_8),
                List.of(Message.WasmValue.i32(42)),
                1_500_000);

    model.send();

    Message.Execute sent = client.executed.getFirst();
    assertEquals(
        new Message.Call("add", List.of(Message.WasmValue.i32(40), Message.WasmValue.i32(2))),
        sent.run());
    assertEquals(
        ((Program.Module) model.programProperty().get()).bytes(),
        ((Message.ModuleTarget) sent.target()).module());
    String shown = model.outcomeTextProperty().get();
    assertTrue(
        shown.startsWith(
            "results: 42 : i32\noutcome: completed\nexit: 0\nusage: cpu time 1.500 ms (the daemon's"
                + " count); round trip 7 ms, reply 321 bytes (the explorer's)"),
        shown);
    assertTrue(shown.contains("--- stderr (4 bytes)\nwarn"), shown);
    assertFalse(model.busyProperty().get());
  }

  @Test
  void aQuotaRefusalIsShownAsSuch() throws Exception {
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    model.chooseFunction("factorial");
    model.formProperty().get().fields().getFirst().textProperty().set("20");
    client.executor =
        request -> {
          throw new ProtocolException(
              ProtocolException.Reason.QUOTA_EXCEEDED,
              "alpha refused: quota 'cpu-seconds-per-hour' exceeded: group lab used 3600 s");
        };

    model.send();

    var refused = assertInstanceOf(SendOutcome.Refused.class, model.outcomeProperty().get());
    assertEquals(java.util.Optional.of("cpu-seconds-per-hour"), refused.quota());
    assertTrue(
        model
            .outcomeTextProperty()
            .get()
            .startsWith(
                "QUOTA EXCEEDED: the daemon's 'cpu-seconds-per-hour' quota for your group refused this [WE5022]\n"),
        model.outcomeTextProperty().get());
  }

  @Test
  void noAnswerIsAFailureNotARefusal() throws Exception {
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    model.chooseFunction("is_prime");
    model.formProperty().get().fields().getFirst().textProperty().set("7");
    client.executor =
        request -> {
          throw new ProtocolException(
              ProtocolException.Reason.NO_ANSWER,
              "http://127.0.0.1:22341 did not answer within 120000 ms");
        };

    model.send();

    assertInstanceOf(SendOutcome.Failed.class, model.outcomeProperty().get());
    assertTrue(
        model.outcomeTextProperty().get().startsWith("failed [WE"),
        model.outcomeTextProperty().get());
    assertFalse(model.busyProperty().get());
  }

  @Test
  void aCommandRunCarriesArgsEnvironmentAndStdin() throws Exception {
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    model.chooseMode(SubmitModel.Mode.COMMAND);
    model.commandArgsProperty().set("  one  two ");
    model.commandEnvProperty().set("A=1\nnot a pair\nB=x=y");
    model.commandStdinProperty().set("input");
    client.executor =
        request -> new Message.Result("completed", 3, new byte[0], new byte[0], List.of(), 0);

    model.send();

    Message.Command run = (Message.Command) client.executed.getFirst().run();
    assertEquals(List.of("math.wasi", "one", "two"), run.args(), "argv[0] is the program");
    assertEquals(Map.of("A", "1", "B", "x=y"), run.env());
    assertEquals("input", new String(run.stdin(), StandardCharsets.UTF_8));
    assertTrue(model.outcomeTextProperty().get().contains("exit: 3"));
  }

  @Test
  void aChosenPeerThatGoesAwayFallsBackToAny() throws Exception {
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    model.choosePeer(alpha);
    bus.publish(new ExplorerEvent.PeersChanged(List.of()));
    assertEquals(null, model.peerProperty().get());
  }

  private final ExplorerEvent.PeerChoice beta =
      new ExplorerEvent.PeerChoice(
          "beta",
          new DaemonAddress(
              new MessageSigner(Ed25519.generate()).fingerprint(),
              new InetSocketAddress("127.0.0.1", 22342),
              22342));

  private static Message.Description offering(Message.Library... libraries) {
    return new Message.Description(Map.of(), List.of(libraries), List.of());
  }

  private static Message.Library math(byte fill) {
    byte[] sha = new byte[32];
    java.util.Arrays.fill(sha, fill);
    return new Message.Library(
        "math",
        "1.0.0",
        sha,
        1904,
        List.of(
            "_initialize () -> ()",
            "add (i32, i32) -> i32",
            "scale_f32 (f32, f32) -> f32",
            "from the future <T>(x) => y"));
  }

  @Test
  void aDescribedLibraryOffersItsTypedFunctionsAndRunsOnItsOwnPeerByName() {
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha, beta)));
    bus.publish(new ExplorerEvent.PeerDescribed(beta, offering(math((byte) 1))));
    Program library = model.programs().getFirst();
    assertEquals("math 1.0.0 on beta", library.toString());

    model.chooseProgram(library);

    assertEquals(beta, model.peerProperty().get(), "a library runs where it lives");
    assertEquals(
        List.of("add", "scale_f32"),
        model.functions(),
        "typed functions only; what cannot be read is left out");
    ArgumentForm form = model.formProperty().get();
    assertEquals("add", form.function());
    assertEquals(List.of("#0", "#1"), form.fields().stream().map(ArgumentField::label).toList());
    form.fields().get(0).textProperty().set("4294967296");
    form.fields().get(1).textProperty().set("2");
    assertFalse(
        model.canSendBinding().get(), "the same checks as for a local module: 2^32 is no i32");
    form.fields().get(0).textProperty().set("40");
    client.executor =
        request ->
            new Message.Result(
                "completed", 0, new byte[0], new byte[0], List.of(Message.WasmValue.i32(42)), 1000);

    model.send();

    Message.Execute sent = client.executed.getFirst();
    assertEquals(new Message.LibraryTarget("math"), sent.target());
    assertEquals(
        new Message.Call("add", List.of(Message.WasmValue.i32(40), Message.WasmValue.i32(2))),
        sent.run());
    assertTrue(
        model.outcomeTextProperty().get().startsWith("results: 42 : i32\n"),
        model.outcomeTextProperty().get());
  }

  @Test
  void anotherPeerTakesItsOwnLibraryOfThatNameAndARepeatedDescribeKeepsTheForm() {
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha, beta)));
    bus.publish(new ExplorerEvent.PeerDescribed(alpha, offering(math((byte) 1))));
    bus.publish(new ExplorerEvent.PeerDescribed(beta, offering(math((byte) 2))));
    model.chooseProgram(model.programs().getFirst());
    ArgumentForm form = model.formProperty().get();
    form.fields().get(0).textProperty().set("1");

    bus.publish(new ExplorerEvent.PeerDescribed(alpha, offering(math((byte) 1))));
    assertSame(
        form, model.formProperty().get(), "the same library described again: the form stays");

    model.choosePeer(beta);
    assertEquals("math 1.0.0 on beta", model.programProperty().get().toString());

    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    assertEquals(null, model.programProperty().get(), "beta went away with its library");
    assertEquals(
        List.of("math 1.0.0 on alpha"), model.programs().stream().map(Object::toString).toList());
  }

  @Test
  void lastRunsChoiceIsTakenWhenOfferedUnlessTheUserChoseFirst() throws Exception {
    model.prefer("math 1.0.0 on beta", "scale_f32");
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha, beta)));
    bus.publish(new ExplorerEvent.PeerDescribed(beta, offering(math((byte) 2))));
    assertEquals("math 1.0.0 on beta", model.programProperty().get().toString());
    assertEquals("scale_f32", model.formProperty().get().function());

    model.prefer("math 1.0.0 on alpha", "add");
    openMath();
    model.chooseProgram(model.programs().getFirst()); // the user's own choice
    bus.publish(new ExplorerEvent.PeerDescribed(alpha, offering(math((byte) 1))));
    assertEquals("math.wasi", model.programProperty().get().toString(), "the user's choice stands");
  }

  private static ExplorerEvent.PeerChoice peer(String name) {
    return new ExplorerEvent.PeerChoice(
        name,
        new DaemonAddress(
            new MessageSigner(Ed25519.generate()).fingerprint(),
            new InetSocketAddress("127.0.0.1", 22341),
            22341));
  }

  private static Message.Result exit(int status, String stdout) {
    return new Message.Result(
        "completed",
        status,
        stdout.getBytes(StandardCharsets.UTF_8),
        new byte[0],
        List.of(),
        2_000_000,
        3_000_000,
        65_536,
        List.of());
  }

  @Test
  void aSpreadAsksTheMostFreeFirstReplacesARefusalAndASilenceAndAsksNoneTwice() throws Exception {
    var full = peer("full");
    var roomy = peer("roomy");
    var silent = peer("silent");
    var spare = peer("spare");
    var other = peer("other");
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(full, roomy, silent, spare, other)));
    model.chooseMode(SubmitModel.Mode.COMMAND);
    model.chooseReach(SubmitModel.Reach.SPREAD);
    model.spreadProperty().set(2);
    Map<DaemonAddress, org.weverywhere.net.FreeCapacity> capacity =
        Map.of(
            roomy.address(), new org.weverywhere.net.FreeCapacity(8, 1 << 30, 100),
            silent.address(), new org.weverywhere.net.FreeCapacity(8, 1 << 29, 100),
            spare.address(), new org.weverywhere.net.FreeCapacity(2, 1 << 20, 100),
            other.address(), new org.weverywhere.net.FreeCapacity(1, 1 << 20, 100),
            full.address(), new org.weverywhere.net.FreeCapacity(0, 0, 900));
    client.capacities = capacity::get;
    client.executorAt =
        (at, request) -> {
          if (at.equals(roomy.address())) {
            throw new ProtocolException(
                ProtocolException.Reason.QUOTA_EXCEEDED,
                "roomy refused: quota 'network-period' exceeded");
          }
          if (at.equals(silent.address())) {
            throw new ProtocolException(ProtocolException.Reason.NO_ANSWER, "no answer");
          }
          return exit(0, "ran on " + at.node().shortForm());
        };

    model.send();

    // roomy and silent had the most free slots: asked first, each replaced in capacity order by
    // spare and other; full, the least free, was never needed
    assertEquals(
        java.util.Set.of(roomy.address(), silent.address(), spare.address(), other.address()),
        java.util.Set.copyOf(client.executedAt));
    assertEquals(4, client.executedAt.stream().distinct().count(), "no daemon asked twice");
    assertEquals(4, model.runs().size());
    Map<String, DaemonRun.Status> status =
        model.runs().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    r -> r.daemon().split(" ")[0], DaemonRun::status));
    assertEquals(
        Map.of(
            "roomy", DaemonRun.Status.REFUSED,
            "silent", DaemonRun.Status.LOST,
            "spare", DaemonRun.Status.SUCCEEDED,
            "other", DaemonRun.Status.SUCCEEDED),
        status);
    assertTrue(
        model
            .summaryProperty()
            .get()
            .startsWith("math.wasi: 2 of 2 succeeded, 1 refused, 1 lost (5 daemons could run it;"),
        model.summaryProperty().get());
    assertTrue(model.summaryCompleteProperty().get());
    DaemonRun spareRow =
        model.runs().stream().filter(r -> r.daemon().startsWith("spare")).findFirst().get();
    assertEquals("exit 0", spareRow.outcome());
    assertEquals("2.0 ms", spareRow.cpu());
    assertEquals("3.0 ms", spareRow.wall());
    assertEquals("64 KiB", spareRow.memory());
    assertTrue(spareRow.output().startsWith("ran on "), spareRow.output());
  }

  @Test
  void toTheChosenGoesOnlyToThoseTickedAndANonZeroExitFailsTheSummary() throws Exception {
    var a = peer("a");
    var b = peer("b");
    var c = peer("c");
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(a, b, c)));
    model.chooseMode(SubmitModel.Mode.COMMAND);
    model.chooseReach(SubmitModel.Reach.CHOSEN);
    assertFalse(model.canSendBinding().get(), "none ticked yet");
    model.setChosen(a, true);
    model.setChosen(c, true);
    assertTrue(model.canSendBinding().get());
    client.executorAt = (at, request) -> exit(at.equals(c.address()) ? 3 : 0, "");

    model.send();

    assertEquals(
        java.util.Set.of(a.address(), c.address()), java.util.Set.copyOf(client.executedAt));
    assertTrue(
        model.summaryProperty().get().startsWith("math.wasi: 1 of 2 succeeded, 1 failed"),
        model.summaryProperty().get());
    assertFalse(model.summaryCompleteProperty().get());
    bus.publish(new ExplorerEvent.PeersChanged(List.of(a, b)));
    assertEquals(List.of(a), model.chosen(), "a peer that went away is no longer ticked");
  }

  @Test
  void aBadAttachedTreeSendsNothingAndSaysWhyAsTheCliDoes(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    openMath();
    bus.publish(new ExplorerEvent.PeersChanged(List.of(alpha)));
    model.chooseMode(SubmitModel.Mode.COMMAND);
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("f"), "x");
    Files.createSymbolicLink(tree.resolve("out"), Path.of("../../etc/passwd"));
    model.attach(tree, "data");

    model.send();

    var notSent = assertInstanceOf(SendOutcome.NotSent.class, model.outcomeProperty().get());
    assertEquals(org.weverywhere.ErrorCode.TREE_INVALID.code(), notSent.code());
    assertTrue(notSent.message().contains("points outside the tree"), notSent.message());
    assertEquals(List.of(), client.executed, "nothing was sent");
    assertFalse(model.busyProperty().get());

    // a guest path with NUL: refused by the same check as the CLI's, still before sending
    model.detach(model.dirs().getFirst());
    Files.delete(tree.resolve("out"));
    model.attach(tree, "a\0b");
    model.send();
    notSent = assertInstanceOf(SendOutcome.NotSent.class, model.outcomeProperty().get());
    assertTrue(notSent.message().contains("without NUL"), notSent.message());
    assertEquals(List.of(), client.executed, "nothing was sent");
  }
}
