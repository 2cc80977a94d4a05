package org.weverywhere.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.weverywhere.ErrorCode;
import org.weverywhere.config.Config;
import org.weverywhere.config.ServiceSettings;
import org.weverywhere.exec.ExecutionOutcome;
import org.weverywhere.exec.ImportProvider;
import org.weverywhere.exec.WasmValue;
import org.weverywhere.exec.host.HostFault;
import org.weverywhere.exec.host.HostFunction;
import org.weverywhere.host.HostIdentity;
import org.weverywhere.host.RunningConfig;
import org.weverywhere.host.properties.CallProperties;
import org.weverywhere.host.properties.NetworkProperties;
import org.weverywhere.host.properties.PeersProperties;
import org.weverywhere.host.properties.ProtocolProperties;
import org.weverywhere.net.ClientSessions;
import org.weverywhere.net.DaemonAddress;
import org.weverywhere.net.Daemons;
import org.weverywhere.net.PeerAddress;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.Import;
import org.weverywhere.wasm.ListedFunction;
import org.weverywhere.wasm.ModuleInfo;

/**
 * Links imports of {@code weverywhere:service/<name>} to services: declared here with a library
 * (called in-process), or pinned to another host by {@code services.<name>.peer} (called with a
 * signed {@code call} over UDP), or, when neither, found on the network by name: among the daemons
 * whose verified announcement lists it and whose description exports every imported function with
 * the imported type, the lowest measured round trip, ties by node id (docs/SERVICES.md). Every
 * imported function's type is checked against the service's export before the module is
 * instantiated; a remote call's failure traps the calling guest with the reason.
 */
@ApplicationScoped
public class ServiceImports implements ImportProvider {
  /** The import module prefix; what follows is the service's name. */
  public static final String MODULE_PREFIX = "weverywhere:service/";

  /** Remote signatures are reused this long, so each run does not cost a describe round trip. */
  private static final Duration SIGNATURES_KEPT = Duration.ofSeconds(5);

  /** Round trips of daemons found by name are compared in steps of this much (docs/SERVICES.md). */
  static final Duration RTT_BUCKET = Duration.ofMillis(5);

  /** Characters of a remote trap's reason passed on: a chain's replies must fit datagrams. */
  private static final int REASON_MAX = 240;

  private Config config;
  private Services services;
  private Daemons daemons;
  private int maxDepth;
  private Duration timeout;
  private ServiceFinder finder;
  private boolean discoverByDefault;
  private final Map<InetSocketAddress, Fingerprint> nodes = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Signatures> signatures = new ConcurrentHashMap<>();

  private record Signatures(
      long fetchedAt, Fingerprint node, Map<String, Message.Service> byName, long rttNanos) {}

  /** Where a remote import's calls go: a pinned peer, or one found on the network. */
  private record Target(
      InetSocketAddress address, String where, Fingerprint node, String service) {}

  /**
   * Failures that prove the peer did not run the call: the next daemon found may be asked instead.
   */
  private static final java.util.Set<ProtocolException.Reason> NOT_RUN =
      java.util.EnumSet.of(
          ProtocolException.Reason.REFUSED,
          ProtocolException.Reason.BUSY,
          ProtocolException.Reason.QUOTA_EXCEEDED,
          ProtocolException.Reason.NOT_PERMITTED,
          ProtocolException.Reason.NOT_MEMBER,
          ProtocolException.Reason.TRANSPORT);

  /** For CDI's client proxy only. */
  protected ServiceImports() {}

  @Inject
  public ServiceImports(
      Config config, Services services, HostIdentity identity, RunningConfig running) {
    this.config = config;
    this.services = services;
    // read, not injected: this bean is made with the executor, at the first execution, on a
    // request's thread, where the container would fill an injected section from that thread's
    // context class loader's Config; the running configuration reads the daemon's own
    var protocol = running.section(ProtocolProperties.class);
    var calls = running.section(CallProperties.class);
    var network =
        running.section(NetworkProperties.class).settings(running.section(PeersProperties.class));
    var signer = new MessageSigner(identity.keys());
    Duration skew = protocol.clockSkew();
    var verifier =
        new Verifier(Clock.systemUTC(), skew, new ReplayCache(skew, 4096), Optional.empty());
    this.maxDepth = calls.maxDepth();
    this.timeout = calls.timeout();
    this.discoverByDefault = calls.discover();
    // calls to another host's services go sealed in a session when it accepts one (PROTOCOL.md
    // §5a): a chain of calls then costs no Ed25519 operation per call after the first. Every UDP
    // exchange (a describe page, a call) is retransmitted on measured round trips within
    // calls.timeout
    this.daemons =
        new Daemons(
                () -> signer,
                verifier,
                Clock.systemUTC(),
                () -> ServiceFinder.reach(network),
                new Daemons.Waits(timeout, timeout, timeout),
                note -> {})
            .withSessions(new ClientSessions(signer, Clock.systemUTC()));
    this.finder = new ServiceFinder(signer.fingerprint(), network, daemons);
  }

  @Override
  public List<HostFunction> functions(ModuleInfo info) {
    List<HostFunction> functions = new ArrayList<>();
    Map<String, List<Target>> found =
        new java.util.HashMap<>(); // one choice per service for the whole module
    for (Import wanted : info.imports()) {
      if (!wanted.module().startsWith(MODULE_PREFIX)
          || !(wanted.type() instanceof ExternType.Function f)) {
        continue;
      }
      String name = wanted.module().substring(MODULE_PREFIX.length());
      String label = wanted.module() + "." + wanted.name();
      if (!org.weverywhere.config.ConfigKeys.isValidServiceName(name)) {
        throw new ServiceException(
            ErrorCode.SERVICE_UNKNOWN,
            "imports " + label + ", but '" + name + "' is not a service name");
      }
      boolean declared = config.services().contains(name);
      ServiceSettings settings = config.service(name);
      Optional<Boolean> discoverSet = declared ? config.serviceDiscover(name) : Optional.empty();
      // neither run here nor pinned: found on the network by name, unless the host owner said no
      boolean byName =
          !declared
              || (!settings.isRemote() && settings.library().isEmpty() && discoverSet.isPresent());
      if (byName && !discoverSet.orElse(discoverByDefault)) {
        throw new ServiceException(
            ErrorCode.SERVICE_UNKNOWN,
            "imports "
                + label
                + ", but no service '"
                + name
                + "' is declared on this host (services."
                + name
                + ".library, or .peer for one elsewhere) and "
                + (discoverSet.isPresent() ? "services." + name + ".discover" : "calls.discover")
                + " = false forbids finding one on the network");
      }
      // who may call is decided before anything is linked or sent: a remote service spends this
      // host's key and quotas on the peer, so it is guarded like a local one (issue 13)
      CallOrigin.current()
          .ifPresent(
              origin -> {
                String refusal = refusal(settings, origin.groups());
                if (refusal != null) {
                  throw new ServiceException(
                      ErrorCode.SERVICE_CALLER_REFUSED,
                      "imports "
                          + label
                          + ", but "
                          + refusal
                          + " ["
                          + ErrorCode.SERVICE_CALLER_REFUSED.code()
                          + "]");
                }
              });
      FuncType offered;
      String where;
      Fingerprint node = null;
      List<Target> targets = List.of();
      if (byName) {
        targets = found.computeIfAbsent(name, n -> choose(n, imported(info, n), label));
        where = "service " + name + " on " + targets.getFirst().where() + " (found on the network)";
        offered =
            f.type(); // chosen only among daemons that export every imported function with its type
      } else if (settings.isRemote()) {
        PeerAddress peer = settings.peers().getFirst();
        where = "service " + settings.peerService() + " on " + peer;
        node = linkedNode(peer, settings, label);
        offered =
            remoteType(
                peer,
                node,
                settings.peerNode().isPresent(),
                settings.peerService(),
                wanted.name(),
                label);
        targets =
            List.of(
                new Target(peer.socketAddress(), peer.toString(), node, settings.peerService()));
      } else {
        where = "service " + name + " here";
        ServiceSnapshot.Function function =
            services.snapshot().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow()
                .functions()
                .stream()
                .filter(fn -> fn.name().equals(wanted.name()))
                .findFirst()
                .orElseThrow(() -> notOffered(label, "service " + name + " here"));
        if (function.signature().hasByteStrings()) { // imports pass numbers only (docs/SERVICES.md)
          throw new ServiceException(
              ErrorCode.SERVICE_NOT_CALLABLE,
              "imports "
                  + label
                  + ", but "
                  + where
                  + " takes or returns byte strings "
                  + function.signature()
                  + ", which imports cannot pass");
        }
        offered = function.type();
      }
      if (!offered.equals(f.type())) {
        throw new ServiceException(
            ErrorCode.SERVICE_NOT_CALLABLE,
            "imports "
                + label
                + " as "
                + f.type()
                + ", but "
                + where
                + " exports "
                + wanted.name()
                + " as "
                + offered);
      }
      if (offered.results().size() > 1) {
        throw new ServiceException(
            ErrorCode.SERVICE_NOT_CALLABLE,
            "imports "
                + label
                + " with "
                + offered.results().size()
                + " results; imported service functions return at most one value");
      }
      // the node learned, found or pinned now is the one this link talks to for as long as it lives
      List<Target> linked = targets;
      functions.add(
          new HostFunction(
              wanted.module(),
              wanted.name(),
              offered,
              !linked.isEmpty()
                  ? (memory, args) ->
                      remoteCall(settings, linked, byName, wanted.name(), offered, args)
                  : (memory, args) -> localCall(name, wanted.name(), offered, args)));
    }
    return functions;
  }

  /** The functions {@code info} imports from service {@code name}, with their types. */
  private static Map<String, FuncType> imported(ModuleInfo info, String name) {
    Map<String, FuncType> wanted = new java.util.LinkedHashMap<>();
    for (Import i : info.imports()) {
      if (i.module().equals(MODULE_PREFIX + name) && i.type() instanceof ExternType.Function f) {
        wanted.put(i.name(), f.type());
      }
    }
    return wanted;
  }

  /**
   * The daemons to call for service {@code name}, best first: those whose verified announcement
   * lists it and whose description exports every {@code wanted} function with its type, by lowest
   * round trip of that describe, ties by node id. Refused with every reason when there is none.
   */
  private List<Target> choose(String name, Map<String, FuncType> wanted, String label) {
    ServiceFinder.Found around = finder.around();
    record Fit(Target target, long rttNanos) {}
    List<Fit> fits = new ArrayList<>();
    List<String> why = new ArrayList<>();
    int listing = 0;
    for (var daemon : around.daemons()) {
      if (!daemon.announce().services().contains(name)) {
        continue;
      }
      listing++;
      String at =
          daemon.announce().name()
              + " at "
              + daemon.from().getAddress().getHostAddress()
              + ":"
              + daemon.from().getPort();
      Signatures described;
      try {
        described =
            signaturesOf(DaemonAddress.of(daemon), name, true); // its state and round trip now
      } catch (ProtocolException failed) {
        why.add(at + " did not describe it: " + failed.getMessage());
        continue;
      }
      String misfit = misfit(described.byName().get(name), wanted);
      if (misfit != null) {
        why.add(at + " " + misfit);
        continue;
      }
      fits.add(new Fit(new Target(daemon.from(), at, daemon.node(), name), described.rttNanos()));
    }
    if (fits.isEmpty()) {
      String reasons =
          why.size() <= 4
              ? String.join("; ", why)
              : String.join("; ", why.subList(0, 4)) + "; and " + (why.size() - 4) + " more";
      throw new ServiceException(
          ErrorCode.SERVICE_NOT_FOUND,
          "imports "
              + label
              + ", but no daemon found on the"
              + " network runs service '"
              + name
              + "' with "
              + wanted.keySet()
              + " as imported ("
              + around.daemons().size()
              + " daemons heard, "
              + listing
              + " announcing it"
              + (reasons.isEmpty() ? "" : ": " + reasons)
              + (around.unheard().isEmpty()
                  ? ""
                  : "; not heard: " + String.join("; ", around.unheard()))
              + ") ["
              + ErrorCode.SERVICE_NOT_FOUND.code()
              + "]");
    }
    // one round trip is one sample: differences within a bucket are noise (a busy host's
    // scheduler),
    // and the node id then makes the choice the same on every host and every time
    fits.sort(
        java.util.Comparator.comparingLong((Fit fit) -> fit.rttNanos() / RTT_BUCKET.toNanos())
            .thenComparing(fit -> fit.target().node().toString()));
    return fits.stream().map(Fit::target).toList();
  }

  /** Why {@code described} cannot serve the {@code wanted} imports, or null when it can. */
  private static String misfit(Message.Service described, Map<String, FuncType> wanted) {
    if (described == null) {
      return "announces it but does not describe it";
    }
    if (!described.state().equals("running") && !described.state().equals("restarting")) {
      return "has it " + described.state();
    }
    for (var want : wanted.entrySet()) {
      Optional<String> export =
          described.functions().stream()
              .filter(e -> ListedFunction.nameOf(e).equals(want.getKey()))
              .findFirst();
      if (export.isEmpty()) {
        return "offers no function " + want.getKey();
      }
      Optional<FuncType> type = ListedFunction.read(export.get()).flatMap(ListedFunction::core);
      if (type.isEmpty() || !type.get().equals(want.getValue())) {
        return "exports " + export.get() + ", not " + want.getKey() + " " + want.getValue();
      }
    }
    return null;
  }

  private static ServiceException notOffered(String label, String where) {
    return new ServiceException(
        ErrorCode.SERVICE_NOT_CALLABLE,
        "imports " + label + ", but " + where + " offers no such function");
  }

  /**
   * Why a requester in {@code groups} may not call {@code settings}' service, or null when it may:
   * the same rule for a service here and one on a peer ({@code services.<Name>.callers}).
   */
  static String refusal(ServiceSettings settings, List<String> groups) {
    var callers = settings.callers();
    if (callers.isPresent() && callers.get().stream().noneMatch(groups::contains)) {
      return "service '"
          + settings.name()
          + "' may be called by "
          + callers.get()
          + "; the requester is in "
          + groups;
    }
    return null;
  }

  /**
   * The node a link to {@code peer} talks to: the pinned one ({@code services.<Name>.peer-node}),
   * or the key of the first verified answer there, trusted on first use and kept until a link fails
   * for another reason than a wrong key.
   */
  private Fingerprint linkedNode(PeerAddress peer, ServiceSettings settings, String label) {
    if (settings.peerNode().isPresent()) {
      return settings.peerNode().get();
    }
    InetSocketAddress address = peer.socketAddress();
    try {
      return nodes.computeIfAbsent(
          address, a -> daemons.probe(peer, 0, timeout.dividedBy(2)).node());
    } catch (ProtocolException failed) {
      throw new ServiceException(
          ErrorCode.SERVICE_NOT_RUNNING,
          "imports "
              + label
              + ", but "
              + peer
              + " could not be asked for its node id: "
              + failed.getMessage()
              + " ["
              + failed.code().code()
              + "]");
    }
  }

  private FuncType remoteType(
      PeerAddress peer,
      Fingerprint node,
      boolean pinned,
      String service,
      String function,
      String label) {
    InetSocketAddress address = peer.socketAddress();
    Message.Service described;
    try {
      described =
          signaturesOf(new DaemonAddress(node, address, 0), service, false).byName().get(service);
    } catch (ProtocolException failed) {
      if (failed.reason() == ProtocolException.Reason.WRONG_NODE) {
        // someone else answered: never learn its key, and say which key was expected
        throw new ServiceException(
            ErrorCode.PROTOCOL_WRONG_NODE,
            "imports "
                + label
                + ", but "
                + failed.getMessage()
                + (pinned ? " (pinned by peer-node)" : " (learned on its first answer)")
                + " ["
                + ErrorCode.PROTOCOL_WRONG_NODE.code()
                + "]");
      }
      nodes.remove(
          address); // the daemon there may have been replaced: ask its node id again next time
      throw new ServiceException(
          ErrorCode.SERVICE_NOT_RUNNING,
          "imports "
              + label
              + ", but "
              + peer
              + " could not be asked for its services: "
              + failed.getMessage()
              + " ["
              + failed.code().code()
              + "]");
    }
    if (described == null) {
      throw new ServiceException(
          ErrorCode.SERVICE_UNKNOWN,
          "imports " + label + ", but " + peer + " runs no service '" + service + "'");
    }
    for (String export : described.functions()) {
      if (ListedFunction.nameOf(export).equals(function)) {
        return ListedFunction.read(export)
            .flatMap(ListedFunction::core)
            .orElseThrow(
                () ->
                    new ServiceException(
                        ErrorCode.SERVICE_NOT_CALLABLE,
                        "imports "
                            + label
                            + ", but "
                            + peer
                            + " describes it as '"
                            + export
                            + "', which is not a signature of number types"));
      }
    }
    throw notOffered(label, "service " + service + " on " + peer);
  }

  /**
   * The services {@code daemon} describes, asked at most every few seconds, with the round trip.
   */
  private Signatures signaturesOf(DaemonAddress daemon, String service, boolean fresh) {
    Signatures known = signatures.get(daemon.udp());
    if (fresh
        || known == null
        || !known.node().equals(daemon.node())
        || System.nanoTime() - known.fetchedAt() > SIGNATURES_KEPT.toNanos()
        || !known.byName().containsKey(service)) {
      long sent = System.nanoTime();
      Message.Description description =
          daemons.describe(daemon, List.of("services"), Daemons.Route.UDP);
      long rtt = System.nanoTime() - sent;
      Map<String, Message.Service> byName = new ConcurrentHashMap<>();
      description.services().forEach(s -> byName.put(s.name(), s));
      known = new Signatures(System.nanoTime(), daemon.node(), byName, rtt);
      signatures.put(daemon.udp(), known);
    }
    return known;
  }

  private long[] localCall(String service, String function, FuncType type, long[] args) {
    CallOrigin origin =
        CallOrigin.current().orElseThrow(() -> new HostFault("a service call outside any request"));
    ExecutionOutcome outcome;
    try {
      outcome = services.call(service, function, values(type, args), origin.groups());
    } catch (ServiceException refused) {
      throw new HostFault(
          "call of "
              + service
              + "."
              + function
              + " here refused: "
              + refused.getMessage()
              + " ["
              + refused.code().code()
              + "]");
    }
    if (outcome instanceof ExecutionOutcome.Completed completed
        && completed.result() instanceof ExecutionOutcome.Returned returned) {
      return returned.values().stream().mapToLong(v -> ((WasmValue) v).bits()).toArray();
    }
    throw new HostFault(
        "call of "
            + service
            + "."
            + function
            + " here did not complete: "
            + ServicePool.describe(outcome));
  }

  private long[] remoteCall(
      ServiceSettings settings,
      List<Target> targets,
      boolean byName,
      String function,
      FuncType type,
      long[] args) {
    CallOrigin origin =
        CallOrigin.current().orElseThrow(() -> new HostFault("a service call outside any request"));
    String first =
        targets.getFirst().service() + "." + function + " on " + targets.getFirst().where();
    // a kept instance was linked once, for no requester in particular: each call is checked for its
    // own
    String refusal = refusal(settings, origin.groups());
    if (refusal != null) {
      throw new HostFault(
          "call of "
              + first
              + " refused: "
              + refusal
              + " ["
              + ErrorCode.SERVICE_CALLER_REFUSED.code()
              + "]");
    }
    if (origin.chain().size() >= maxDepth) {
      throw new HostFault(
          "call of "
              + first
              + " not made: the chain has crossed "
              + origin.chain().size()
              + " hosts, calls.max-depth is "
              + maxDepth
              + " ["
              + ErrorCode.SERVICE_CHAIN_TOO_DEEP.code()
              + "]");
    }
    List<Message.WasmValue> wire = new ArrayList<>();
    for (WasmValue value : values(type, args)) {
      wire.add(new Message.WasmValue(value.type().text(), value.bits()));
    }
    // a daemon found by name that refused (so ran nothing) gives its place to the next one, once
    int tries = Math.min(2, targets.size());
    String before = "";
    for (int i = 0; ; i++) {
      Target target = targets.get(i);
      String label = target.service() + "." + function + " on " + target.where();
      // one request key for every attempt to this daemon: it runs the call at most once, however
      // many datagrams are lost (another daemon gets a key of its own, and only after a refusal)
      var call =
          new Message.ServiceCall(
                  target.service(), function, wire, origin.chain(), Optional.of(origin.requester()))
              .withKey(org.weverywhere.protocol.RequestKey.random());
      Message reply;
      try {
        // retransmitted on measured round trips within calls.timeout; the key makes a retry safe
        reply =
            daemons
                .request(
                    new DaemonAddress(target.node(), target.address(), 0), call, Daemons.Route.UDP)
                .message();
      } catch (ProtocolException failed) {
        if (byName && !NOT_RUN.contains(failed.reason())) {
          finder.forget(); // it may be gone: the next link looks again
        }
        if (NOT_RUN.contains(failed.reason()) && i + 1 < tries) {
          before = " (after " + label + ": " + failed.getMessage() + ")";
          continue;
        }
        throw new HostFault(
            "remote call of "
                + label
                + " failed: "
                + failed.getMessage()
                + " ["
                + failed.code().code()
                + "]"
                + before);
      }
      if (!(reply instanceof Message.Result result)) {
        throw new HostFault("remote call of " + label + " was answered with " + reply.type());
      }
      if (!result.outcome().equals("completed")) {
        throw new HostFault(
            "remote call of " + label + " ended " + result.outcome() + reason(result.stderr()));
      }
      if (result.values().size() != type.results().size()) {
        throw new HostFault(
            "remote call of "
                + label
                + " returned "
                + result.values().size()
                + " values, not "
                + type.results().size());
      }
      return result.values().stream().mapToLong(Message.WasmValue::bits).toArray();
    }
  }

  /**
   * The remote trap's reason, from the last line of its stderr, without the host's brackets. Kept
   * to its end when long: along a chain each host wraps the next one's reason, the innermost (the
   * real cause) comes last, and the reply must stay small enough for a datagram.
   */
  static String reason(byte[] stderr) {
    String last =
        new String(stderr, java.nio.charset.StandardCharsets.UTF_8)
            .strip()
            .lines()
            .reduce((a, b) -> b)
            .orElse("");
    if (last.startsWith("[weverywhere: trap: HOST: ") && last.endsWith("]")) {
      last = last.substring("[weverywhere: trap: HOST: ".length(), last.length() - 1);
    }
    if (last.length() > REASON_MAX) {
      last = "..." + last.substring(last.length() - REASON_MAX);
    }
    return last.isEmpty() ? "" : ": " + last;
  }

  private static List<WasmValue> values(FuncType type, long[] args) {
    List<WasmValue> values = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      values.add(WasmValue.ofBits(type.params().get(i), args[i]));
    }
    return values;
  }
}
