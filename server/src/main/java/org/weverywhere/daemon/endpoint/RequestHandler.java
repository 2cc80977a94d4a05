package org.weverywhere.daemon.endpoint;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.weverywhere.ErrorCode;
import org.weverywhere.control.ControlActions;
import org.weverywhere.events.EventJournal;
import org.weverywhere.events.JournalEvent;
import org.weverywhere.events.JournalException;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.ExecutionRequest;
import org.weverywhere.exec.Executor;
import org.weverywhere.host.Intake;
import org.weverywhere.idempotency.RequestKeys;
import org.weverywhere.protocol.Authorizer;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.Requester;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.service.CallOrigin;
import org.weverywhere.service.ServiceException;
import org.weverywhere.service.ServiceSnapshot;
import org.weverywhere.service.ServiceState;
import org.weverywhere.service.Services;
import org.weverywhere.store.Library;
import org.weverywhere.store.LibraryStore;
import org.weverywhere.store.StoreException;
import org.weverywhere.traffic.TrafficLedger;
import org.weverywhere.trust.Privilege;
import org.weverywhere.wasm.CallSignature;
import org.weverywhere.wasm.ExternType;

/**
 * What the daemon answers to a verified request, whatever carried it: authorises the signer,
 * charges its group's traffic, then describes, serves a module or runs it, and journals what it
 * did. Every refusal is an {@code error} reply with a stable code, never silence.
 */
public final class RequestHandler {
  /** The optional protocol features this daemon implements, announced (docs/PROTOCOL.md §8). */
  public static final List<String> FEATURES =
      List.of("paged-describe", "typed-exports", "rk", "session");

  private final String name;
  private final int httpPort;
  private final Supplier<Authorizer> authorizer;
  private final TrafficLedger traffic;
  private final LibraryStore libraries;
  private final Executor executor;
  private final EventJournal journal;
  private final Services services;
  private final int maxDepth;
  private final Intake intake;
  private final ControlActions control;

  /** Refusals, journaled as one summary per interval: a flood of them must not fill the disk. */
  private final RequestTally refusals;

  /** Admitted requests, billed by summary per interval too (work has its own events besides). */
  private final RequestTally received;

  private final RequestKeys keys;

  /**
   * Retries of one running request that wait for its result over UDP; later ones are not answered.
   */
  static final int MAX_WAITING_REPEATS = 2;

  /** As the full constructor, remembering request keys within the protocol's default bounds. */
  public RequestHandler(
      String name,
      int httpPort,
      Supplier<Authorizer> authorizer,
      TrafficLedger traffic,
      LibraryStore libraries,
      Executor executor,
      EventJournal journal,
      Services services,
      int maxDepth,
      Intake intake,
      ControlActions control) {
    this(
        name,
        httpPort,
        authorizer,
        traffic,
        libraries,
        executor,
        journal,
        services,
        maxDepth,
        intake,
        control,
        new RequestKeys(
            org.weverywhere.config.ConfigKeys.PROTOCOL_IDEMPOTENCY_WINDOW.defaultValue(),
            org.weverywhere.config.ConfigKeys.PROTOCOL_IDEMPOTENCY_ENTRIES.defaultValue(),
            org.weverywhere.config.ConfigKeys.PROTOCOL_IDEMPOTENCY_MAX_BYTES.defaultValue().bytes(),
            System::nanoTime));
  }

  /**
   * @param keys the request keys seen, so that a retried execute or call runs at most once
   * @param authorizer the Signature Groups and privileges in force now, read once per request
   * @param maxDepth hosts a chain of service calls may cross ({@code calls.max-depth})
   */
  public RequestHandler(
      String name,
      int httpPort,
      Supplier<Authorizer> authorizer,
      TrafficLedger traffic,
      LibraryStore libraries,
      Executor executor,
      EventJournal journal,
      Services services,
      int maxDepth,
      Intake intake,
      ControlActions control,
      RequestKeys keys) {
    this.keys = keys;
    this.services = services;
    this.maxDepth = maxDepth;
    this.name = name;
    this.httpPort = httpPort;
    this.authorizer = authorizer;
    this.traffic = traffic;
    this.libraries = libraries;
    this.executor = executor;
    this.journal = journal;
    this.intake = intake;
    this.control = control;
    this.refusals =
        new RequestTally(
            "org.weverywhere.requests.refused", "reason", journal, Duration.ofSeconds(10), 256);
    this.received =
        new RequestTally(
            "org.weverywhere.requests.received",
            "messageType",
            journal,
            Duration.ofSeconds(10),
            256);
  }

  /**
   * How often refusals and admitted requests are journaled as summaries ({@code
   * events.refusals.interval}).
   */
  public void summarizeEvery(Duration interval) {
    refusals.every(interval);
    received.every(interval);
  }

  /** Journals what the summaries counted so far; the daemon stops. */
  public void close() {
    refusals.close();
    received.close();
  }

  /**
   * The group {@code request} would be charged to, for fair admission before it is handled:
   * anonymous when its signer names a group it is not in (it is refused then anyway).
   */
  public String groupOf(SignedMessage request) {
    try {
      return authorizer.get().requester(request).chargedGroup();
    } catch (ProtocolException notMember) {
      return org.weverywhere.config.ConfigKeys.ANONYMOUS;
    }
  }

  /** The HTTP bulk port this daemon announces: where to ask what does not fit a datagram. */
  int httpPort() {
    return httpPort;
  }

  /** This daemon's presence, as sent on start, periodically and in answer to discover. */
  public Message.Announce announce() {
    return new Message.Announce(
        name,
        httpPort,
        libraries.list().stream().map(Library::name).distinct().toList(),
        services.snapshot().stream()
            .filter(s -> s.state() == ServiceState.RUNNING)
            .map(ServiceSnapshot::name)
            .toList(),
        FEATURES);
  }

  /**
   * The reply to {@code request}, or empty for a message that is not a request (announce, bye...).
   */
  public Optional<Message> handle(SignedMessage request, Transport transport) {
    return answer(request, transport).whenRecorded();
  }

  /**
   * A reply and the journal write it must not overtake: a sender may sign the reply while the event
   * goes to disk, but sends it only after {@link Answer#whenRecorded()}.
   */
  public record Answer(Optional<Message> reply, CompletableFuture<Long> recorded) {
    static final Answer NONE = new Answer(Optional.empty(), CompletableFuture.completedFuture(-1L));

    static Answer now(Message reply) {
      return new Answer(Optional.of(reply), CompletableFuture.completedFuture(-1L));
    }

    /**
     * The reply, once its event is on disk; a journal that cannot write fails the request instead.
     */
    public Optional<Message> whenRecorded() {
      try {
        recorded.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof JournalException j
            ? j
            : new JournalException(
                ErrorCode.JOURNAL_IO, "the event journal cannot be written", e.getCause());
      }
      return reply;
    }
  }

  /** As {@link #handle}, without waiting for the journal: see {@link Answer}. */
  public Answer answer(SignedMessage request, Transport transport) {
    Requester requester;
    try {
      requester = authorizer.get().authorize(request);
    } catch (ProtocolException refused) {
      return refused(
          request,
          groupOf(request),
          error(refused.code(), refused.getMessage(), Optional.empty()),
          refused.code().code());
    }
    String group = requester.chargedGroup();
    // Free requests (discover, describe) are charged too, so a flood of them meets the group's
    // rate;
    // a fetch's reply is reserved now, its size known (the bulk channel then sends it paced).
    if (traffic.admit(group, request.size(), replyReservation(request, transport))
        instanceof TrafficLedger.Refused over) {
      return refused(
          request,
          group,
          error(ErrorCode.PROTOCOL_QUOTA, over.reason(), Optional.of(quotaName(over.limit()))),
          ErrorCode.PROTOCOL_QUOTA.code() + " " + quotaName(over.limit()));
    }
    boolean free =
        request.message() instanceof Message.Discover
            || request.message() instanceof Message.Describe;
    if (!free) {
      // work is billed event by event: while the journal cannot take events, no work is taken
      Optional<JournalException> down = journal.unavailable();
      if (down.isPresent()) {
        return refused(
            request,
            group,
            error(down.get().code(), down.get().getMessage(), Optional.empty()),
            down.get().code().code());
      }
    }
    // Every admitted request is on the bill with its bytes, in the interval's requests.received
    // summary (work is billed again by its own event: execution.finished, fetch.served...); one
    // event per request would let a flood of cheap requests write the journal at its own pace.
    received.count(
        request.fingerprint().toString(), group, request.message().type(), request.size());
    return switch (request.message()) {
      case Message.Discover discover -> Answer.now(announce());
      case Message.Describe describe -> Answer.now(describe(describe, requester, transport));
      case Message.Fetch fetch -> admitted(() -> fetch(fetch, requester, request, transport));
      case Message.Execute execute ->
          once(
              request,
              requester,
              transport,
              () -> admitted(() -> execute(execute, requester, request)));
      case Message.ServiceCall call ->
          once(request, requester, transport, () -> admitted(() -> call(call, requester, request)));
      case Message.Control action ->
          Answer.now(
              control.perform(
                  action,
                  "key "
                      + request.fingerprint()
                      + " (group "
                      + requester.chargedGroup()
                      + ", "
                      + transport.name().toLowerCase(java.util.Locale.ROOT)
                      + ")"));
      default -> Answer.NONE; // replies and announcements are not requests
    };
  }

  /**
   * A refusal: counted for the interval's summary event (not journaled one by one), and its bytes
   * charged to the sender's group, not to the host as a whole, so refused floods cost their group.
   */
  private Answer refused(
      SignedMessage request, String group, Message.ErrorReply reply, String reason) {
    long bytes = request.size() + REFUSAL_REPLY_BYTES + reply.message().length();
    refusals.count(request.fingerprint().toString(), group, reason, bytes);
    traffic.chargeGroup(group, bytes);
    return Answer.now(reply);
  }

  /** A signed error reply's size besides its message text: envelope, header and code. */
  private static final int REFUSAL_REPLY_BYTES = 200;

  /**
   * Bytes a request's reply will take that are known before it is handled: a module fetched over
   * HTTP.
   */
  private long replyReservation(SignedMessage request, Transport transport) {
    if (transport != Transport.HTTP || !(request.message() instanceof Message.Fetch fetch)) {
      return 0;
    }
    try {
      return libraries.find(fetch.library()).size();
    } catch (StoreException missing) {
      return 0; // answered with a short error
    }
  }

  /**
   * Runs a request that carries a request key at most once per signer and key (PROTOCOL.md §4b):
   * the first attempt runs, a retry gets its kept result or waits for it, a key reused for other
   * content is refused. A request without a key simply runs.
   */
  private Answer once(
      SignedMessage request, Requester requester, Transport transport, Supplier<Answer> work) {
    Optional<RequestKey> key = RequestKey.of(request.message());
    if (key.isEmpty()) {
      return work.get();
    }
    return switch (keys.claim(
        request.fingerprint(), key.get(), RequestKey.contentHash(request.message()))) {
      case RequestKeys.First first -> first(first.ticket(), work);
      // over UDP, two attempts waiting for a running request will answer the client; more would
      // only hold threads and in-flight places while a long execution runs
      case RequestKeys.Repeat repeat
          when repeat.running()
              && transport == Transport.UDP
              && repeat.alreadyWaiting() >= MAX_WAITING_REPEATS ->
          Answer.NONE;
      case RequestKeys.Repeat repeat -> repeat(repeat, request, requester);
      case RequestKeys.Conflict conflict -> {
        String why =
            "request key "
                + key.get()
                + " was used before for a different "
                + request.message().type()
                + "; a retry must repeat the request exactly, a new request needs a new key";
        yield refused(
            request,
            requester.chargedGroup(),
            error(ErrorCode.PROTOCOL_KEY_REUSED, why, Optional.empty()),
            ErrorCode.PROTOCOL_KEY_REUSED.code());
      }
      case RequestKeys.Full full ->
          Answer.now(
              error(
                  ErrorCode.PROTOCOL_KEYS_FULL,
                  "cannot remember request key " + key.get() + ": " + full.why() + "; retry later",
                  Optional.empty()));
    };
  }

  /** The first attempt: its result is kept for retries once its events are on disk, not before. */
  private Answer first(RequestKeys.Ticket ticket, Supplier<Answer> work) {
    Answer answer;
    try {
      answer = work.get();
    } catch (RuntimeException | Error failed) { // an Error too: the key must not stay in progress
      ticket.abandon(failed);
      throw failed;
    }
    Message reply = answer.reply().orElseThrow();
    if (!(reply instanceof Message.Result result)) {
      ticket.release(reply); // refused before running: nothing ran, the key may be tried again
      return answer;
    }
    answer
        .recorded()
        .whenComplete(
            (sequence, failed) -> {
              if (failed == null) {
                ticket.finish(
                    reply,
                    result.stdout().length
                        + result.stderr().length
                        + 32L * result.values().size()
                        + 128);
              } else {
                ticket.abandon(failed);
              }
            });
    return answer;
  }

  /**
   * The error a requester gets when handling its {@code type} request failed inside the daemon: a
   * {@link org.weverywhere.WeverywhereException} (e.g. a journal that cannot write) with its own
   * code and message, anything else as {@code WE5050} naming only its class, as {@link #said} does.
   */
  static Message.ErrorReply failure(String type, RuntimeException failure) {
    if (failure instanceof org.weverywhere.WeverywhereException known) {
      return error(known.code(), known.getMessage(), Optional.empty());
    }
    return error(
        ErrorCode.PROTOCOL_INTERNAL,
        "the daemon failed while handling this "
            + type
            + " ("
            + failure.getClass().getSimpleName()
            + "); it was counted and the daemon goes on",
        Optional.empty());
  }

  /**
   * What a requester is told of a failure: a {@link org.weverywhere.WeverywhereException}'s message
   * is written for it; anything else is named only by its class (a message may name paths on this
   * host).
   */
  static String said(Throwable failure) {
    return failure instanceof org.weverywhere.WeverywhereException known
        ? known.getMessage()
        : "the daemon failed (" + failure.getClass().getSimpleName() + ")";
  }

  /** A retry: the kept result, or the running attempt's once it is recorded; never a second run. */
  private Answer repeat(RequestKeys.Repeat repeat, SignedMessage request, Requester requester) {
    Optional<Message> kept;
    try {
      kept =
          repeat
              .outcome()
              .get(keys.window().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException failed) {
      return Answer.now(
          error(
              ErrorCode.PROTOCOL_RESULT_NOT_KEPT,
              "the first attempt with request key "
                  + RequestKey.of(request.message()).orElseThrow()
                  + " failed without a result: "
                  + said(failed.getCause()),
              Optional.empty()));
    } catch (java.util.concurrent.TimeoutException slow) {
      return Answer.now(
          error(
              ErrorCode.PROTOCOL_RESULT_NOT_KEPT,
              "the first attempt with request key "
                  + RequestKey.of(request.message()).orElseThrow()
                  + " is still running after "
                  + keys.window().toSeconds()
                  + " s",
              Optional.empty()));
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      return Answer.now(
          error(ErrorCode.CONTROL_DRAINING, "this daemon is stopping", Optional.empty()));
    }
    Message reply =
        kept.orElseGet(
            () ->
                error(
                    ErrorCode.PROTOCOL_RESULT_NOT_KEPT,
                    "the request with key "
                        + RequestKey.of(request.message()).orElseThrow()
                        + " already ran here; its result is not kept (too large"
                        + " to keep, pushed out by protocol.idempotency.max-bytes, or it ran before this daemon restarted), and it is"
                        + " not run again",
                    Optional.empty()));
    long bytesOut =
        reply instanceof Message.Result result
            ? result.stdout().length + result.stderr().length
            : 0;
    traffic.charge(requester.chargedGroup(), bytesOut);
    // not billed as an execution: the line says which attempt was answered from what
    recordAsync(
        request,
        requester,
        "org.weverywhere.request.repeated",
        event ->
            event
                .put(
                    "answer",
                    kept.isEmpty()
                        ? "not kept"
                        : repeat.running() ? "waited for the first attempt" : "kept result")
                .put("bytesOut", bytesOut));
    return Answer.now(reply);
  }

  /** Work goes through the intake: refused while the daemon drains, counted while it runs. */
  private Answer admitted(Supplier<Answer> work) {
    if (!intake.enter()) {
      return Answer.now(
          error(
              ErrorCode.CONTROL_DRAINING,
              "this daemon is draining: it finishes what it runs and takes "
                  + "no new work; ask another peer",
              Optional.empty()));
    }
    try {
      return work.get();
    } finally {
      intake.leave();
    }
  }

  /** The transport a request came by: a fetched module only fits in a bulk (HTTP) reply. */
  public enum Transport {
    UDP,
    HTTP
  }

  private Message describe(Message.Describe describe, Requester requester, Transport transport) {
    boolean all = describe.what().isEmpty();
    Map<String, Long> host = new LinkedHashMap<>();
    // host facts and services travel on the first page only
    boolean first = describe.cursor().isEmpty();
    if (first && (all || describe.what().contains("host")) && requester.may(Privilege.OBSERVE)) {
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      host.put("cores", (long) Runtime.getRuntime().availableProcessors());
      host.put("ram-bytes", os.getTotalMemorySize());
      host.put("ram-free-bytes", os.getFreeMemorySize());
      host.put("uptime-ms", ManagementFactory.getRuntimeMXBean().getUptime());
    }
    if (first && describe.what().contains("capacity")) {
      capacity(requester).forEach(host::putIfAbsent);
    }
    List<Message.Library> offered =
        all || describe.what().contains("libraries")
            ? DescriptionPages.after(
                libraries.list().stream().map(RequestHandler::library).toList(), describe.cursor())
            : List.of();
    List<Message.Service> running =
        first && (all || describe.what().contains("services"))
            ? services.snapshot().stream().map(RequestHandler::service).toList()
            : List.of();
    return DescriptionPages.page(
        host,
        offered,
        running,
        transport == Transport.UDP ? DescriptionPages.UDP_PAGE : DescriptionPages.HTTP_PAGE);
  }

  /**
   * What a client choosing daemons by free capacity needs (PROTOCOL.md §describe, "capacity"): the
   * execution slots and memory the requester's own group has free here now, and, for observers
   * only, the load average (in thousandths) as the host facts give it.
   */
  private Map<String, Long> capacity(Requester requester) {
    Map<String, Long> capacity = new LinkedHashMap<>();
    var free = executor.remaining(requester.chargedGroup());
    capacity.put("group-slots-free", (long) free.slots());
    capacity.put("group-memory-free-bytes", free.memoryBytes());
    if (requester.may(Privilege.OBSERVE)) {
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      if (load >= 0) {
        capacity.put("load-milli", Math.round(load * 1000));
      }
    }
    return capacity;
  }

  private static Message.Service service(ServiceSnapshot service) {
    return new Message.Service(
        service.name(),
        service.library(),
        service.sha256().map(HexFormat.of()::parseHex),
        service.functions().stream().map(f -> f.name() + " " + f.signature()).toList(),
        service.instances(),
        service.live(),
        service.state().text(),
        service.since().toEpochMilli(),
        service.reason());
  }

  private Answer call(Message.ServiceCall call, Requester requester, SignedMessage request) {
    // The chain is believed from anyone (it can only make a call refused sooner, and it is what
    // stops a cycle between hosts); the origin only from a key trusted to relay, else any caller
    // could put another key on the bill as the original requester (issue 13).
    Optional<String> origin = call.origin().filter(o -> requester.may(Privilege.RELAY));
    if (call.chain().size() >= maxDepth) {
      String why =
          "call of "
              + call.service()
              + "."
              + call.function()
              + " refused: the chain has crossed "
              + call.chain().size()
              + " hosts, calls.max-depth is "
              + maxDepth;
      return refused(
          request,
          requester.chargedGroup(),
          error(ErrorCode.SERVICE_CHAIN_TOO_DEEP, why, Optional.empty()),
          ErrorCode.SERVICE_CHAIN_TOO_DEEP.code());
    }
    // a forwarded call names who started the chain; the signer (a host) is who is charged here
    var bound =
        new CallOrigin(
                origin.orElse(request.fingerprint().toString()),
                requester.membership().groups(),
                call.chain())
            .then(request.header().id());
    ExecutionOutcome outcome;
    try {
      outcome =
          bound.bind(
              () ->
                  services.call(
                      call.service(),
                      call.function(),
                      call.args().stream().map(WireValues::toExec).toList(),
                      requester.membership().groups()));
    } catch (ServiceException refused) {
      return refused(
          request,
          requester.chargedGroup(),
          error(refused.code(), refused.getMessage(), Optional.empty()),
          refused.code().code());
    }
    Message reply = Results.of(outcome);
    long bytesOut =
        reply instanceof Message.Result result
            ? result.stdout().length
                + result.stderr().length
                + result.trees().stream().mapToLong(t -> t.tree().bytes()).sum()
            : 0;
    traffic.charge(requester.chargedGroup(), bytesOut);
    // journaled before the reply leaves, like an execution: usage is attributed to the signer
    return new Answer(
        Optional.of(reply),
        record(
            request,
            requester,
            "org.weverywhere.service.called",
            event ->
                origin(call, origin, Results.describe(outcome, event))
                    .put("service", call.service())
                    .put("function", call.function())
                    .put("bytesIn", request.size())
                    .put("bytesOut", bytesOut)));
  }

  private static Message.Library library(Library library) {
    List<Message.Function> functions =
        library.info().exports().stream()
            .filter(e -> e.type() instanceof ExternType.Function)
            .map(e -> function(library, e.name()))
            .toList();
    // the old text form stays for clients that predate "functions" (docs/PROTOCOL.md §4)
    List<String> exports =
        functions.stream()
            .map(f -> f.name() + " " + new CallSignature(f.params(), f.results()))
            .toList();
    return new Message.Library(
        library.name(),
        library.version(),
        HexFormat.of().parseHex(library.sha256()),
        library.size(),
        exports,
        functions);
  }

  /**
   * One export's signature as data, with its parameters' names where the metadata gives one each.
   */
  private static Message.Function function(Library library, String name) {
    CallSignature signature = CallSignature.of(library.info(), name).orElseThrow();
    List<String> names =
        library
            .info()
            .metadata()
            .map(m -> m.functions().get(name))
            .map(
                doc ->
                    doc.params().stream()
                        .map(org.weverywhere.wasm.ModuleMetadata.Value::name)
                        .toList())
            .filter(
                given ->
                    given.size() == signature.params().size()
                        && given.stream().noneMatch(String::isBlank))
            .orElse(List.of());
    return new Message.Function(name, signature.params(), signature.results(), names);
  }

  private Answer fetch(
      Message.Fetch fetch, Requester requester, SignedMessage request, Transport transport) {
    Library library;
    try {
      library = libraries.find(fetch.library());
    } catch (StoreException missing) {
      return Answer.now(error(missing.code(), missing.getMessage(), Optional.empty()));
    }
    if (fetch.sha256().isPresent()
        && !HexFormat.of().formatHex(fetch.sha256().get()).equals(library.sha256())) {
      return Answer.now(
          error(
              ErrorCode.STORE_NOT_FOUND,
              "library '"
                  + fetch.library()
                  + "' here has hash "
                  + library.sha256()
                  + ", not the one asked for",
              Optional.empty()));
    }
    if (transport == Transport.UDP) {
      return Answer.now(
          error(
              ErrorCode.PROTOCOL_OVERSIZED,
              "a module travels by the HTTP bulk channel (port " + httpPort + "), not UDP",
              Optional.empty()));
    }
    byte[] bytes = libraries.bytes(library.sha256());
    // reserved at admission (replyReservation) and sent paced by the bulk channel: not charged
    // again
    var recorded =
        record(
            request,
            requester,
            "org.weverywhere.fetch.served",
            event -> event.put("library", library.sha256()).put("bytesOut", bytes.length));
    return new Answer(
        Optional.of(
            new Message.ModuleReply(
                library.name(), HexFormat.of().parseHex(library.sha256()), bytes)),
        recorded);
  }

  private Answer execute(Message.Execute execute, Requester requester, SignedMessage request) {
    byte[] module;
    String target;
    switch (execute.target()) {
      case Message.LibraryTarget named -> {
        try {
          Library library = libraries.find(named.library());
          module = libraries.bytes(library.sha256());
          target = library.sha256();
        } catch (StoreException missing) {
          return Answer.now(error(missing.code(), missing.getMessage(), Optional.empty()));
        }
      }
      case Message.ModuleTarget sent -> {
        module = sent.module();
        target = "module";
      }
    }
    var who =
        new org.weverywhere.exec.AdmittedGroup(
            requester.chargedGroup(), requester.may(Privilege.OBSERVE));
    ExecutionRequest run =
        switch (execute.run()) {
          case Message.Command command ->
              new ExecutionRequest.CommandRun(
                  module, command.args(), command.env(), command.stdin(), who, command.dirs());
          case Message.Call call ->
              new ExecutionRequest.FunctionCall(
                  module,
                  call.function(),
                  call.args().stream().map(WireValues::toExec).toList(),
                  who);
        };
    // The start need not be on disk before the run (the finish must be before the reply).
    recordAsync(
        request,
        requester,
        "org.weverywhere.execution.started",
        event ->
            event
                .put("module", target)
                .put(
                    "function",
                    execute.run() instanceof Message.Call call ? call.function() : "_start"));
    var origin =
        new CallOrigin(
            request.fingerprint().toString(),
            requester.membership().groups(),
            List.of(request.header().id()));
    ExecutionOutcome outcome = origin.bind(() -> executor.execute(run));
    Message reply = Results.of(outcome);
    if (outcome
        instanceof
        ExecutionOutcome.Refused refused) { // an executor quota: a refusal like any other
      return refused(
          request,
          requester.chargedGroup(),
          (Message.ErrorReply) reply,
          ErrorCode.PROTOCOL_QUOTA.code()
              + " "
              + refused.quota().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    long bytesOut =
        reply instanceof Message.Result result
            ? result.stdout().length
                + result.stderr().length
                + result.trees().stream().mapToLong(t -> t.tree().bytes()).sum()
            : 0;
    traffic.charge(requester.chargedGroup(), bytesOut);
    // Journaled before the reply leaves (Answer.whenRecorded): a completed execution is never
    // missing from the bill, and a refused one is on it as the quota it met.
    var recorded =
        record(
            request,
            requester,
            "org.weverywhere.execution.finished",
            event ->
                Results.describe(outcome, event)
                    .put("module", target)
                    .put("bytesIn", request.size())
                    .put("bytesOut", bytesOut));
    return new Answer(Optional.of(reply), recorded);
  }

  /**
   * A forwarded call's original requester (when its signer may relay) and depth, so the bill can
   * follow the chain to its start.
   */
  private static ObjectNode origin(
      Message.ServiceCall call, Optional<String> origin, ObjectNode event) {
    origin.ifPresent(o -> event.put("originalRequester", o));
    return event.put("depth", call.chain().size() + 1);
  }

  private static String quotaName(TrafficLedger.Limit limit) {
    return switch (limit) {
      case GROUP_RATE, HOST_RATE -> "network-rate";
      case GROUP_PERIOD, HOST_PERIOD -> "network-period";
    };
  }

  static Message.ErrorReply error(ErrorCode code, String message, Optional<String> quota) {
    return new Message.ErrorReply(code.code(), message, quota);
  }

  interface EventData {
    ObjectNode fill(ObjectNode data);
  }

  /** Appends one event with who asked, the group charged and the message's identity. */
  /**
   * Appends one event with who asked, the group charged and the message's identity; the reply waits
   * for it ({@link Answer#whenRecorded}). A journal that cannot write fails the request rather than
   * let it go unbilled.
   */
  private CompletableFuture<Long> record(
      SignedMessage request, Requester requester, String type, EventData data) {
    return journal.appendAsync(event(request, requester, type, data));
  }

  private void recordAsync(
      SignedMessage request, Requester requester, String type, EventData data) {
    // deferred: written with the next durable event's fsync rather than one of its own
    journal.appendDeferred(event(request, requester, type, data));
  }

  private static JournalEvent event(
      SignedMessage request, Requester requester, String type, EventData data) {
    ObjectNode node =
        JsonNodeFactory.instance
            .objectNode()
            .put("requester", request.fingerprint().toString())
            .put("messageId", request.header().id().toString())
            .put("signature", java.util.Base64.getEncoder().encodeToString(request.signature()))
            .put("messageType", request.message().type());
    RequestKey.of(request.message())
        .ifPresent(
            key -> {
              node.put("requestKey", key.toString());
              if (type.equals("org.weverywhere.execution.finished")
                  || type.equals("org.weverywhere.service.called")) {
                // what a restarted daemon reads back to refuse a second run (KeysFromJournal)
                node.put(
                    "requestHash",
                    HexFormat.of().formatHex(RequestKey.contentHash(request.message())));
              }
            });
    if (requester != null) {
      node.put("group", requester.chargedGroup());
    }
    // a sealed request: the session it came in, opened by the handshake whose signature is above
    request
        .session()
        .ifPresent(
            in -> node.put("session", in.session().idText()).put("sessionCounter", in.counter()));
    return JournalEvent.unsequenced(type, request.message().type(), data.fill(node));
  }
}
