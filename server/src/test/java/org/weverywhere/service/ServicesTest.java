package org.weverywhere.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Config;
import org.weverywhere.config.ConfigLoader;
import org.weverywhere.config.Engine;
import org.weverywhere.daemon.ExecutorBeans;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.ExecutorParameters;
import org.weverywhere.exec.GroupLimits;
import org.weverywhere.exec.HostLimits;
import org.weverywhere.exec.QuotaSettings;
import org.weverywhere.exec.ReservingQuotaLedger;
import org.weverywhere.exec.TrapKind;
import org.weverywhere.exec.WasmValue;
import org.weverywhere.exec.WasmValue.I32;
import org.weverywhere.exec.WasmValue.I64;
import org.weverywhere.store.LibraryStore;

/** Services on real engines, a real library store and a real journal. */
class ServicesTest {
  static final Path EXAMPLES =
      Path.of(System.getProperty("weverywhere.examples.dir", "../target/example-programs"));
  static final RestartPolicy QUICK =
      new RestartPolicy(Duration.ofMillis(10), Duration.ofMillis(40), 2, Duration.ofMinutes(1));
  static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  Executor executor;
  EventJournal journal;
  Services services;

  Services services(String config) throws IOException {
    return services(config, 512 * MIB);
  }

  Services services(String config, long hostMemory) throws IOException {
    Path configDir = Files.createDirectories(dir.resolve("config"));
    Files.writeString(configDir.resolve("weverywhere.conf"), config);
    Config loaded = ConfigLoader.filesOnly().load(configDir);
    LibraryStore store = LibraryStore.open(dir.resolve("store"), 64 * MIB);
    store.publish(EXAMPLES.resolve("kv.wasi"));
    store.publish(EXAMPLES.resolve("math.wasi"));
    var settings = new ExecutorParameters(Engine.WASMTIME, 8, 64 * 1024, Duration.ofSeconds(10), 8);
    var quotas =
        new QuotaSettings(
            new HostLimits(4, hostMemory),
            java.util.Map.of(
                "anonymous", new GroupLimits(2, 128 * MIB, 16 * MIB, Duration.ofMillis(500)),
                "team", new GroupLimits(2, 128 * MIB, 16 * MIB, Duration.ofMillis(500))));
    executor =
        new Executor(
            settings, new ReservingQuotaLedger(quotas, 8), new ExecutorBeans().engine(settings));
    journal = EventJournal.open(dir.resolve("events"), 1 << 20, Duration.ofDays(1), "test");
    services = new Services(loaded, store, executor, journal, QUICK);
    services.startAll(null);
    return services;
  }

  @AfterEach
  void close() {
    if (services != null) {
      services.close();
    }
    if (executor != null) {
      executor.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  static List<org.weverywhere.exec.CallValue> returned(ExecutionOutcome outcome) {
    var completed =
        assertInstanceOf(ExecutionOutcome.Completed.class, outcome, () -> "got " + outcome);
    return assertInstanceOf(ExecutionOutcome.Returned.class, completed.result()).values();
  }

  ExecutionOutcome call(String service, String function, WasmValue... args) {
    return services.call(service, function, List.of(args), List.of("anonymous"));
  }

  ServiceSnapshot snapshot(String name) {
    return services.snapshot().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  void await(Supplier<Boolean> condition) throws InterruptedException {
    for (int i = 0; i < 500 && !condition.get(); i++) {
      Thread.sleep(10); // bounded polling: restarts happen on the scheduler's thread
    }
    assertTrue(condition.get(), "condition not reached in 5 s");
  }

  List<String> eventTypes() throws InterruptedException {
    List<String> types = new ArrayList<>();
    try (var reader = journal.read(1)) {
      for (Optional<JournalEvent> event = reader.next(Duration.ofMillis(200));
          event.isPresent();
          event = reader.next(Duration.ofMillis(200))) {
        types.add(event.get().type());
      }
    }
    return types;
  }

  @Test
  void aServiceKeepsItsStateBetweenCalls() throws IOException {
    services("services.kv.library = kv\n");
    assertEquals(List.of(new I32(1)), returned(call("kv", "put", new I64(1), new I64(100))));
    assertEquals(List.of(new I32(1)), returned(call("kv", "put", new I64(2), new I64(200))));
    assertEquals(List.of(new I32(2)), returned(call("kv", "count")));
    assertEquals(List.of(new I64(200)), returned(call("kv", "get", new I64(2), new I64(-1))));

    ServiceSnapshot kv = snapshot("kv");
    assertEquals(ServiceState.RUNNING, kv.state());
    assertEquals(1, kv.live());
    assertEquals(Optional.empty(), kv.reason());
    assertEquals(
        List.of("put", "get", "count", "calls", "crash"),
        kv.functions().stream().map(ServiceSnapshot.Function::name).toList());
    assertEquals("(i64, i64) -> i64", kv.functions().get(1).type().toString());
  }

  @Test
  void aTrapRestartsTheInstanceWithItsStateLostAndIsJournaled() throws Exception {
    services("services.kv.library = kv\n");
    returned(call("kv", "put", new I64(1), new I64(100)));
    var trapped = assertInstanceOf(ExecutionOutcome.Trapped.class, call("kv", "crash", new I32(0)));
    assertEquals(TrapKind.INTEGER_DIVIDE_BY_ZERO, trapped.kind());
    await(() -> snapshot("kv").state() == ServiceState.RUNNING);
    assertEquals(List.of(new I32(0)), returned(call("kv", "count")), "a new instance starts empty");
    assertEquals(List.of(new I64(1)), returned(call("kv", "calls")));
    List<String> types = eventTypes();
    assertTrue(
        types.containsAll(
            List.of(
                "org.weverywhere.service.started",
                "org.weverywhere.service.instance.failed",
                "org.weverywhere.service.instance.restarted")),
        types.toString());
  }

  @Test
  void aServiceThatKeepsFailingIsMarkedFailedWithTheReasonUntilStartedAgain() throws Exception {
    services("services.kv.library = kv\n");
    for (int i = 0; i < 3; i++) {
      await(() -> snapshot("kv").live() == 1);
      assertInstanceOf(ExecutionOutcome.Trapped.class, call("kv", "crash", new I32(0)));
    }
    ServiceSnapshot failed = snapshot("kv");
    assertEquals(ServiceState.FAILED, failed.state());
    assertTrue(
        failed
            .reason()
            .orElseThrow()
            .startsWith("3 failures within 60 s; last: trapped (INTEGER_DIVIDE_BY_ZERO)"),
        failed.reason().toString());
    var refused = assertThrows(ServiceException.class, () -> call("kv", "count"));
    assertEquals(ErrorCode.SERVICE_NOT_RUNNING, refused.code());
    assertTrue(
        refused.getMessage().startsWith("service 'kv' is failed: 3 failures"),
        refused.getMessage());

    assertEquals(ServiceState.RUNNING, services.start("kv", "a test").state());
    assertEquals(List.of(new I32(0)), returned(call("kv", "count")));
    assertTrue(eventTypes().contains("org.weverywhere.service.failed"));
  }

  @Test
  void stoppedServicesRefuseCallsAndStartAgain() throws IOException {
    services("services.kv.library = kv\nservices.kv.instances = 2\n");
    assertEquals(2, snapshot("kv").live());
    ServiceSnapshot stopped = services.stop("kv", "a test");
    assertEquals(ServiceState.STOPPED, stopped.state());
    assertEquals(0, stopped.live());
    assertEquals(
        ErrorCode.SERVICE_NOT_RUNNING,
        assertThrows(ServiceException.class, () -> call("kv", "count")).code());
    assertEquals(2, services.start("kv", "a test").live());
    returned(call("kv", "count"));
  }

  @Test
  void callsAreCheckedForServiceFunctionCallerAndArguments() throws IOException {
    services(
        "services.kv.library = kv\nservices.kv.exports = get, count\nservices.kv.callers = team\n"
            + "services.math.library = math\n");
    assertEquals(
        ErrorCode.SERVICE_UNKNOWN,
        assertThrows(ServiceException.class, () -> call("nope", "count")).code());
    var refused = assertThrows(ServiceException.class, () -> call("kv", "count"));
    assertEquals(ErrorCode.SERVICE_CALLER_REFUSED, refused.code());
    assertEquals(
        "service 'kv' may be called by [team]; the requester is in [anonymous]",
        refused.getMessage());
    var notCallable =
        assertThrows(
            ServiceException.class,
            () -> services.call("kv", "put", List.of(new I64(1), new I64(2)), List.of("team")));
    assertEquals(ErrorCode.SERVICE_NOT_CALLABLE, notCallable.code());
    assertEquals(
        "service 'kv' offers no function 'put'; callable: [get, count]", notCallable.getMessage());
    assertEquals(
        List.of(new I32(0)),
        returned(services.call("kv", "count", List.of(), List.of("anonymous", "team"))));
    var badArgs = assertInstanceOf(ExecutionOutcome.Invalid.class, call("math", "add", new I64(1)));
    assertEquals("add takes (i32, i32), but the call passes (i64)", badArgs.reason());
    assertEquals(List.of(new I32(5)), returned(call("math", "add", new I32(2), new I32(3))));
  }

  @Test
  void aServiceWhoseLibraryIsMissingOrExportsWrongFailsAndSaysWhy() throws IOException {
    services(
        "services.ghost.library = ghost\nservices.kv.library = kv\nservices.kv.exports = put, pop\n"
            + "services.loose.group = team\n");
    assertEquals(ServiceState.FAILED, snapshot("ghost").state());
    assertEquals(Optional.of("no library 'ghost' on this host"), snapshot("ghost").reason());
    assertEquals(
        Optional.of("services.kv.exports names 'pop', which library kv@1.0.0 does not export"),
        snapshot("kv").reason());
    assertEquals(Optional.of("services.loose.library is not set"), snapshot("loose").reason());
  }

  /** Issue 13 item 10: kept instances hold their grant in the host's total for their whole life. */
  @Test
  void aServicesInstancesHoldTheirMemoryInTheHostTotal() throws Exception {
    // four instances of 16 MiB each hold the host's 64 MiB: nothing else fits
    services("services.math.library = math\nservices.math.instances = 4\n", 64 * MIB);
    assertEquals(ServiceState.RUNNING, snapshot("math").state());
    byte[] hello = Files.readAllBytes(EXAMPLES.resolve("hello.wasi"));
    var run =
        new org.weverywhere.exec.ExecutionRequest.CommandRun(
            hello,
            List.of("hello"),
            java.util.Map.of(),
            new byte[0],
            new org.weverywhere.exec.AdmittedGroup("team", false));
    var refused = assertInstanceOf(ExecutionOutcome.Refused.class, executor.execute(run));
    assertEquals(org.weverywhere.exec.Quota.HOST_MEMORY, refused.quota(), refused.reason());
    // calls on the instances still run: their memory is held already, they take a slot only
    assertEquals(List.of(new I32(3)), returned(call("math", "add", new I32(1), new I32(2))));
    // a stopped service gives its memory back
    services.stop("math", "test");
    assertInstanceOf(ExecutionOutcome.Completed.class, executor.execute(run));
  }

  @Test
  void twoInstancesServeConcurrentCalls() throws Exception {
    services("services.math.library = math\nservices.math.instances = 2\n");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<ExecutionOutcome>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        futures.add(pool.submit(() -> call("math", "add", new I32(n), new I32(1))));
      }
      for (int i = 0; i < futures.size(); i++) {
        assertEquals(List.of(new I32(i + 1)), returned(futures.get(i).get()));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(ServiceState.RUNNING, snapshot("math").state());
  }
}
