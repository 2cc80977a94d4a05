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
import org.weverywhere.config.HostPort;
import org.weverywhere.config.ServiceSettings;
import org.weverywhere.daemon.HostIdentity;
import org.weverywhere.exec.ImportProvider;
import org.weverywhere.exec.Outcome;
import org.weverywhere.exec.WasmValue;
import org.weverywhere.exec.host.HostFault;
import org.weverywhere.exec.host.HostFunction;
import org.weverywhere.net.UdpClient;
import org.weverywhere.net.UnicastProbe;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ReplayCache;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.wasm.ExternType;
import org.weverywhere.wasm.FuncType;
import org.weverywhere.wasm.Import;
import org.weverywhere.wasm.ModuleInfo;

/**
 * Links imports of {@code weverywhere:service/<name>} to services: declared here with a library
 * (called in-process), or pinned to another host by {@code services.<name>.peer} (called with a
 * signed {@code call} over UDP). Every imported function's type is checked against the service's
 * export before the module is instantiated; a remote call's failure traps the calling guest with
 * the reason.
 */
@ApplicationScoped
public class ServiceImports implements ImportProvider {
  /** The import module prefix; what follows is the service's name. */
  public static final String MODULE_PREFIX = "weverywhere:service/";
  /** Remote signatures are reused this long, so each run does not cost a describe round trip. */
  private static final Duration SIGNATURES_KEPT = Duration.ofSeconds(5);
  /** A describe padded so that a description up to one datagram stays within 3x the request. */
  private static final int DESCRIBE_PAD = 300;
  /** Characters of a remote trap's reason passed on: a chain's replies must fit datagrams. */
  private static final int REASON_MAX = 240;

  private Config config;
  private Services services;
  private UdpClient udp;
  private UnicastProbe probe;
  private int maxDepth;
  private Duration timeout;
  private final Map<InetSocketAddress, Fingerprint> nodes = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Signatures> signatures = new ConcurrentHashMap<>();

  private record Signatures(long fetchedAt, Map<String, Message.Service> byName) {}

  /** For CDI's client proxy only. */
  protected ServiceImports() {}

  @Inject
  public ServiceImports(Config config, Services services, HostIdentity identity) {
    this.config = config;
    this.services = services;
    var signer = new MessageSigner(identity.keys());
    Duration skew = config.protocol().clockSkew();
    var verifier = new Verifier(Clock.systemUTC(), skew, new ReplayCache(skew, 4096), Optional.empty());
    this.udp = new UdpClient(signer, verifier, Clock.systemUTC());
    this.probe = new UnicastProbe(signer, verifier, Clock.systemUTC());
    this.maxDepth = config.value(org.weverywhere.config.ConfigKeys.CALLS_MAX_DEPTH);
    this.timeout = config.value(org.weverywhere.config.ConfigKeys.CALLS_TIMEOUT);
  }

  @Override
  public List<HostFunction> functions(ModuleInfo info) {
    List<HostFunction> functions = new ArrayList<>();
    for (Import wanted : info.imports()) {
      if (!wanted.module().startsWith(MODULE_PREFIX) || !(wanted.type() instanceof ExternType.Function f)) {
        continue;
      }
      String name = wanted.module().substring(MODULE_PREFIX.length());
      String label = wanted.module() + "." + wanted.name();
      if (!config.services().contains(name)) {
        throw new ServiceException(ErrorCode.SERVICE_UNKNOWN, "imports " + label + ", but no service '" + name
            + "' is declared on this host (services." + name + ".library, or .peer for one elsewhere)");
      }
      ServiceSettings settings = config.service(name);
      FuncType offered;
      String where;
      if (settings.isRemote()) {
        HostPort peer = settings.peers().getFirst();
        where = "service " + settings.peerService() + " on " + peer;
        offered = remoteType(peer, settings.peerService(), wanted.name(), label);
      } else {
        where = "service " + name + " here";
        ServiceSnapshot.Function function = services.snapshot().stream().filter(s -> s.name().equals(name))
            .findFirst().orElseThrow().functions().stream().filter(fn -> fn.name().equals(wanted.name())).findFirst()
            .orElseThrow(() -> notOffered(label, "service " + name + " here"));
        if (function.signature().hasByteStrings()) { // imports pass numbers only (docs/SERVICES.md)
          throw new ServiceException(ErrorCode.SERVICE_NOT_CALLABLE, "imports " + label + ", but " + where
              + " takes or returns byte strings " + function.signature() + ", which imports cannot pass");
        }
        offered = function.type();
      }
      if (!offered.equals(f.type())) {
        throw new ServiceException(ErrorCode.SERVICE_NOT_CALLABLE, "imports " + label + " as " + f.type() + ", but "
            + where + " exports " + wanted.name() + " as " + offered);
      }
      if (offered.results().size() > 1) {
        throw new ServiceException(ErrorCode.SERVICE_NOT_CALLABLE, "imports " + label + " with "
            + offered.results().size() + " results; imported service functions return at most one value");
      }
      functions.add(new HostFunction(wanted.module(), wanted.name(), offered, settings.isRemote()
          ? (memory, args) -> remoteCall(settings.peers().getFirst(), settings.peerService(), wanted.name(), offered, args)
          : (memory, args) -> localCall(name, wanted.name(), offered, args)));
    }
    return functions;
  }

  private static ServiceException notOffered(String label, String where) {
    return new ServiceException(ErrorCode.SERVICE_NOT_CALLABLE, "imports " + label + ", but " + where
        + " offers no such function");
  }

  private FuncType remoteType(HostPort peer, String service, String function, String label) {
    InetSocketAddress address = new InetSocketAddress(peer.host(), peer.port());
    Message.Service described;
    try {
      Signatures known = signatures.get(address);
      if (known == null || System.nanoTime() - known.fetchedAt() > SIGNATURES_KEPT.toNanos()
          || !known.byName().containsKey(service)) {
        var reply = udp.request(address, node(address), new Message.Describe(List.of("services"), java.util.Optional.empty(), DESCRIBE_PAD),
            timeout.dividedBy(2));
        Map<String, Message.Service> byName = new ConcurrentHashMap<>();
        ((Message.Description) reply.message()).services().forEach(s -> byName.put(s.name(), s));
        known = new Signatures(System.nanoTime(), byName);
        signatures.put(address, known);
      }
      described = known.byName().get(service);
    } catch (ProtocolException failed) {
      nodes.remove(address); // the daemon there may have been replaced: ask its node id again next time
      throw new ServiceException(ErrorCode.SERVICE_NOT_RUNNING, "imports " + label + ", but " + peer
          + " could not be asked for its services: " + failed.getMessage() + " [" + failed.code().code() + "]");
    }
    if (described == null) {
      throw new ServiceException(ErrorCode.SERVICE_UNKNOWN, "imports " + label + ", but " + peer
          + " runs no service '" + service + "'");
    }
    for (String export : described.functions()) {
      int space = export.indexOf(" (");
      if (space > 0 && export.substring(0, space).equals(function)) {
        return FuncType.parse(export.substring(space + 1)).orElseThrow(() -> new ServiceException(
            ErrorCode.SERVICE_NOT_CALLABLE, "imports " + label + ", but " + peer + " describes it as '" + export
                + "', which is not a signature of number types"));
      }
    }
    throw notOffered(label, "service " + service + " on " + peer);
  }

  private Fingerprint node(InetSocketAddress address) {
    return nodes.computeIfAbsent(address, a -> probe.ask(a, timeout.dividedBy(2)).node());
  }

  private long[] localCall(String service, String function, FuncType type, long[] args) {
    CallOrigin origin = CallOrigin.current().orElseThrow(() -> new HostFault("a service call outside any request"));
    Outcome outcome;
    try {
      outcome = services.call(service, function, values(type, args), origin.groups());
    } catch (ServiceException refused) {
      throw new HostFault("call of " + service + "." + function + " here refused: " + refused.getMessage() + " ["
          + refused.code().code() + "]");
    }
    if (outcome instanceof Outcome.Completed completed && completed.result() instanceof Outcome.Returned returned) {
      return returned.values().stream().mapToLong(v -> ((WasmValue) v).bits()).toArray();
    }
    throw new HostFault("call of " + service + "." + function + " here did not complete: "
        + ServicePool.describe(outcome));
  }

  private long[] remoteCall(HostPort peer, String service, String function, FuncType type, long[] args) {
    CallOrigin origin = CallOrigin.current().orElseThrow(() -> new HostFault("a service call outside any request"));
    String label = service + "." + function + " on " + peer;
    if (origin.chain().size() >= maxDepth) {
      throw new HostFault("call of " + label + " not made: the chain has crossed " + origin.chain().size()
          + " hosts, calls.max-depth is " + maxDepth + " [" + ErrorCode.SERVICE_CHAIN_TOO_DEEP.code() + "]");
    }
    List<Message.WasmValue> wire = new ArrayList<>();
    for (WasmValue value : values(type, args)) {
      wire.add(new Message.WasmValue(value.type().text(), value.bits()));
    }
    // one request key for every attempt: the peer runs the call at most once, however many datagrams are lost
    var call = new Message.ServiceCall(service, function, wire, origin.chain(), Optional.of(origin.requester()))
        .withKey(org.weverywhere.protocol.RequestKey.random());
    InetSocketAddress address = new InetSocketAddress(peer.host(), peer.port());
    Message reply;
    try {
      // retransmitted on measured round trips within calls.timeout; the key makes a retry safe
      reply = udp.request(address, node(address), call, timeout).message();
    } catch (ProtocolException failed) {
      throw new HostFault("remote call of " + label + " failed: " + failed.getMessage() + " ["
          + failed.code().code() + "]");
    }
    if (!(reply instanceof Message.Result result)) {
      throw new HostFault("remote call of " + label + " was answered with " + reply.type());
    }
    if (!result.outcome().equals("completed")) {
      throw new HostFault("remote call of " + label + " ended " + result.outcome() + reason(result.stderr()));
    }
    if (result.values().size() != type.results().size()) {
      throw new HostFault("remote call of " + label + " returned " + result.values().size() + " values, not "
          + type.results().size());
    }
    return result.values().stream().mapToLong(Message.WasmValue::bits).toArray();
  }

  /**
   * The remote trap's reason, from the last line of its stderr, without the host's brackets. Kept to
   * its end when long: along a chain each host wraps the next one's reason, the innermost (the real
   * cause) comes last, and the reply must stay small enough for a datagram.
   */
  static String reason(byte[] stderr) {
    String last = new String(stderr, java.nio.charset.StandardCharsets.UTF_8).strip().lines()
        .reduce((a, b) -> b).orElse("");
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
