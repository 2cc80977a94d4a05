package org.weverywhere.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.ServiceSettings;
import org.weverywhere.exec.AdmittedGroup;
import org.weverywhere.exec.CallValue;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.Executor;
import org.weverywhere.exec.KeptInstance;
import org.weverywhere.store.Library;

/**
 * One service: its kept instances, the idle ones queued for callers, and its state. A call takes an
 * idle instance (so calls to one instance are serialised) and gives it back, unless the call left
 * it in doubt (a trap, a limit, an exit): then the instance is dropped and a new one is started
 * after a backoff, and the failure is journaled.
 */
final class ServicePool {
  private final ServiceSettings settings;
  private final Library library;
  private final String problem;
  private final byte[] module;
  private final List<ServiceSnapshot.Function> functions;
  private final Executor executor;
  private final AdmittedGroup requester;
  private final ScheduledExecutorService scheduler;
  private final RestartPolicy policy;
  private final BiConsumer<String, ObjectNode> journal;

  private final LinkedBlockingQueue<Member> idle = new LinkedBlockingQueue<>();
  private final List<Member> members = new ArrayList<>();
  private final Deque<Instant> failures = new ArrayDeque<>();
  private long generation;
  private ServiceState state = ServiceState.STOPPED;
  private Instant since = Instant.now();
  private String reason;

  /** An instance and the start of the service it belongs to: a stop makes older members stale. */
  private record Member(KeptInstance instance, long generation) {}

  /**
   * @param library the library, or null when the store has none matching
   * @param problem why the service cannot start at all (no library, bad exports), or null
   */
  ServicePool(
      ServiceSettings settings,
      Library library,
      String problem,
      byte[] module,
      List<ServiceSnapshot.Function> functions,
      Executor executor,
      AdmittedGroup requester,
      ScheduledExecutorService scheduler,
      RestartPolicy policy,
      BiConsumer<String, ObjectNode> journal) {
    this.settings = settings;
    this.library = library;
    this.problem = problem;
    this.module = module;
    this.functions = List.copyOf(functions);
    this.executor = executor;
    this.requester = requester;
    this.scheduler = scheduler;
    this.policy = policy;
    this.journal = journal;
  }

  String name() {
    return settings.name();
  }

  /**
   * Starts every instance now; a no-op while running or restarting. Instances are made outside the
   * lock: linking may ask another host, which may at that moment be describing this one.
   */
  void start(String why) {
    long starting;
    synchronized (this) {
      if (state == ServiceState.RUNNING || state == ServiceState.RESTARTING) {
        return;
      }
      generation++;
      starting = generation;
      failures.clear();
      if (problem != null) {
        fail(problem);
        return;
      }
      enter(ServiceState.RESTARTING, "starting");
    }
    for (int i = 0; i < settings.instances(); i++) {
      KeptInstance.Start start = executor.keep(module, requester, memoryMax(), cpuTime());
      synchronized (this) {
        if (starting != generation) { // stopped or failed meanwhile
          if (start instanceof KeptInstance.Ready ready) {
            ready.instance().close();
          }
          return;
        }
        switch (start) {
          case KeptInstance.Ready ready -> add(new Member(ready.instance(), generation));
          // a peer its imports name may still be starting: retried with backoff, failed if it
          // persists
          case KeptInstance.Failed failed ->
              failure("cannot start an instance: " + describe(failed.outcome()));
        }
      }
    }
    synchronized (this) {
      if (starting != generation) {
        return;
      }
      journal.accept(
          "org.weverywhere.service.started", event().put("why", why).put("live", live()));
      if (live() == settings.instances()) {
        enter(ServiceState.RUNNING, null);
      }
    }
  }

  /** Stops every instance; calls in flight finish first, then their instances are closed. */
  synchronized void stop(String why) {
    if (state == ServiceState.STOPPED) {
      return;
    }
    generation++;
    closeAll();
    enter(ServiceState.STOPPED, null);
    journal.accept("org.weverywhere.service.stopped", event().put("why", why));
  }

  /** Whether callers may call {@code function}. */
  boolean callable(String function) {
    return functions.stream().anyMatch(f -> f.name().equals(function));
  }

  /**
   * Calls {@code function} on an idle instance, waiting up to {@code wait} for one.
   *
   * @throws ServiceException when the service is not running or stays busy
   */
  ExecutionOutcome call(String function, List<? extends CallValue> args, Duration wait) {
    if (!callable(function)) {
      throw new ServiceException(
          ErrorCode.SERVICE_NOT_CALLABLE,
          "service '"
              + name()
              + "' offers no function '"
              + function
              + "'; callable: "
              + functions.stream().map(ServiceSnapshot.Function::name).toList());
    }
    synchronized (this) {
      if (state == ServiceState.FAILED || state == ServiceState.STOPPED) {
        throw notRunning();
      }
    }
    Member member;
    try {
      member = idle.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceException(
          ErrorCode.SERVICE_BUSY, "interrupted while waiting for an instance of '" + name() + "'");
    }
    if (member == null) {
      synchronized (this) {
        if (state != ServiceState.RUNNING && live() == 0) {
          throw notRunning();
        }
      }
      throw new ServiceException(
          ErrorCode.SERVICE_BUSY,
          "all "
              + settings.instances()
              + " instances of service '"
              + name()
              + "' stayed busy for "
              + wait.toMillis()
              + " ms");
    }
    ExecutionOutcome outcome;
    try {
      outcome = member.instance().call(function, args);
    } catch (RuntimeException | Error unexpected) {
      failed(member, "host error: " + unexpected);
      throw unexpected;
    }
    if (leavesInstanceInDoubt(outcome)) {
      failed(member, describe(outcome));
    } else {
      release(member);
    }
    return outcome;
  }

  synchronized ServiceSnapshot snapshot() {
    return new ServiceSnapshot(
        name(),
        settings.library().orElse(""),
        Optional.ofNullable(library).map(Library::sha256),
        settings.group(),
        functions,
        settings.instances(),
        live(),
        state,
        since,
        Optional.ofNullable(reason));
  }

  /** A trap, a limit or an exit may have left memory half-written: the instance is not reused. */
  private static boolean leavesInstanceInDoubt(ExecutionOutcome outcome) {
    return switch (outcome) {
      case ExecutionOutcome.Completed completed ->
          completed.result() instanceof ExecutionOutcome.Exit;
      case ExecutionOutcome.Trapped t -> true;
      case ExecutionOutcome.OutOfCpu o -> true;
      case ExecutionOutcome.OutOfMemory o -> true;
      case ExecutionOutcome.OutputTruncated o -> true;
      case ExecutionOutcome.Refused r -> false;
      case ExecutionOutcome.Invalid i -> false;
    };
  }

  private synchronized void release(Member member) {
    if (member.generation() == generation
        && state != ServiceState.STOPPED
        && state != ServiceState.FAILED) {
      idle.offer(member);
    } else {
      members.remove(member);
      member.instance().close();
    }
  }

  private void failed(Member member, String why) {
    member.instance().close();
    synchronized (this) {
      members.remove(member);
      if (member.generation() != generation) {
        return;
      }
      failure(why);
    }
  }

  /** Counts a failure; restarts after a backoff, or gives up when there were too many. */
  private void failure(String why) {
    Instant now = Instant.now();
    failures.addLast(now);
    while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(policy.window()))) {
      failures.removeFirst();
    }
    if (failures.size() > policy.failuresAllowed()) {
      generation++;
      closeAll();
      fail(
          failures.size() + " failures within " + policy.window().toSeconds() + " s; last: " + why);
      return;
    }
    Duration delay = policy.delay(failures.size());
    enter(ServiceState.RESTARTING, why);
    journal.accept(
        "org.weverywhere.service.instance.failed",
        event()
            .put("reason", why)
            .put("restartInMs", delay.toMillis())
            .put("recentFailures", failures.size()));
    long restartOf = generation;
    scheduler.schedule(() -> restart(restartOf), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void restart(long of) {
    synchronized (this) {
      if (of != generation) {
        return; // stopped or failed meanwhile
      }
    }
    KeptInstance.Start start = executor.keep(module, requester, memoryMax(), cpuTime());
    synchronized (this) {
      if (of != generation) {
        if (start instanceof KeptInstance.Ready ready) {
          ready.instance().close();
        }
        return;
      }
      switch (start) {
        case KeptInstance.Ready ready -> {
          add(new Member(ready.instance(), generation));
          journal.accept("org.weverywhere.service.instance.restarted", event().put("live", live()));
          if (live() == settings.instances()) {
            enter(ServiceState.RUNNING, null);
          }
        }
        case KeptInstance.Failed failed ->
            failure("cannot start an instance: " + describe(failed.outcome()));
      }
    }
  }

  private void add(Member member) {
    members.add(member);
    idle.offer(member);
  }

  private int live() {
    return members.size();
  }

  private void closeAll() {
    // instances in a call are closed when the call returns (release sees the stale generation)
    List<Member> drained = new ArrayList<>();
    idle.drainTo(drained);
    for (Member member : drained) {
      members.remove(member);
      member.instance().close();
    }
  }

  private void fail(String why) {
    enter(ServiceState.FAILED, why);
    journal.accept("org.weverywhere.service.failed", event().put("reason", why));
  }

  private void enter(ServiceState next, String why) {
    if (state != next) {
      since = Instant.now();
    }
    state = next;
    reason = why;
  }

  private ServiceException notRunning() {
    return new ServiceException(
        ErrorCode.SERVICE_NOT_RUNNING,
        "service '" + name() + "' is " + state.text() + (reason == null ? "" : ": " + reason));
  }

  private long memoryMax() {
    return settings.memory().map(size -> size.bytes()).orElse(Long.MAX_VALUE);
  }

  private Duration cpuTime() {
    return settings.cpuTime().orElse(Duration.ofDays(365)); // the group's limit then applies
  }

  private ObjectNode event() {
    ObjectNode data =
        JsonNodeFactory.instance.objectNode().put("service", name()).put("group", settings.group());
    if (library != null) {
      data.put("library", library.sha256());
    }
    return data;
  }

  /** One line for events and reasons: what ended the instance. */
  static String describe(ExecutionOutcome outcome) {
    return switch (outcome) {
      case ExecutionOutcome.Completed completed ->
          completed.result() instanceof ExecutionOutcome.Exit exit
              ? "the instance exited with code " + exit.code()
              : "completed";
      case ExecutionOutcome.Trapped trapped ->
          "trapped (" + trapped.kind() + "): " + trapped.message();
      case ExecutionOutcome.OutOfCpu out ->
          out.wallClock() ? "wall-clock time limit reached" : "CPU time limit reached";
      case ExecutionOutcome.OutOfMemory out ->
          "out of memory (limit " + out.limitBytes() + " bytes): " + out.detail();
      case ExecutionOutcome.OutputTruncated out -> "output cap reached";
      case ExecutionOutcome.Refused refused ->
          "refused (" + refused.quota() + "): " + refused.reason();
      case ExecutionOutcome.Invalid invalid -> invalid.reason();
    };
  }
}
