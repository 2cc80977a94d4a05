package org.weverywhere.daemon.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.weverywhere.config.InterfaceSelection;
import org.weverywhere.config.NetworkSettings;
import org.weverywhere.host.Failures;
import org.weverywhere.host.SupervisedLoop;
import org.weverywhere.host.ThreadSource;
import org.weverywhere.net.AnswerSpread;
import org.weverywhere.net.InterfaceChoice;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;
import org.weverywhere.traffic.FairSlots;
import org.weverywhere.traffic.SourceLimiter;
import org.weverywhere.trust.Fingerprint;

/**
 * The daemon's UDP side: joins the discovery groups on the configured interfaces (loopback only,
 * TTL 0, unless the host owner opts in), answers verified requests unicast, and announces itself.
 *
 * <p>Nothing unverified is ever answered, and no reply to a UDP request is larger than three times
 * the request, so the daemon cannot be used to amplify forged traffic. Each source address is rate
 * limited before any signature is checked; requests run on a bounded pool off the receiving thread,
 * so a slow execution never stops discovery.
 *
 * <p>Nothing one datagram does ends the receiving loop: a failure while handling it is counted (and
 * logged once per interval), and a loop that ends anyway is restarted while readiness says it is
 * down. Discover and describe have a lane of their own, so they never wait behind executions, and
 * in each lane a Signature Group holds at most its fair share of the slots.
 */
public final class UdpEndpoint implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(UdpEndpoint.class.getName());

  /**
   * Datagrams received but not yet verified, per queue; beyond it they are dropped (and counted).
   */
  private static final int VERIFY_QUEUE = 1_024;

  /**
   * Threads verifying signatures of datagrams from keys in no Signature Group (the CPU-heavy part
   * of taking a datagram); datagrams naming a group's key have a thread of their own.
   */
  private static final int VERIFIERS = 2;

  /**
   * What the daemon asks of the kernel for its unicast socket's receive buffer (the kernel caps it
   * at {@code net.core.rmem_max}): a flood that arrives while the receiving thread waits for a CPU
   * is queued rather than dropped, and the kernel drops without looking whose datagram it is.
   */
  static final int RECEIVE_BUFFER = 4 << 20;

  /** The start of a COSE_Sign1 as this protocol writes it, up to the signer's 32 key bytes. */
  private static final byte[] ENVELOPE_PREFIX = {
    (byte) 0xd2, (byte) 0x84, 0x58, 0x26, (byte) 0xa2, 0x01, 0x27, 0x04, 0x58, 0x20
  };

  /** A datagram read, waiting to be verified; {@code known} when it names a group's key. */
  private record Pending(
      Listener listener,
      InetSocketAddress from,
      byte[] datagram,
      boolean known,
      UdpRequestTimeline timeline) {}

  /**
   * Discover and describe requests being handled at once; beyond a group's share they are dropped
   * (and counted).
   */
  private static final int LIGHT_IN_FLIGHT = 64;

  /**
   * Answers to discover waiting for their spread delay; beyond it they are dropped (and counted).
   */
  private static final int SPREAD_PENDING = 4_096;

  /**
   * Other daemons remembered for the spread; more than this many on one LAN all count as this many.
   */
  private static final int KNOWN_PEERS = 4_096;

  private final NetworkSettings settings;
  private final SessionHandshake sessions;
  private final MessageSigner host;
  private final Check verifier;
  private final RequestHandler handler;
  private final SourceLimiter sources;
  private final Clock clock;
  private final Selector selector;
  private final List<Listener> listeners = new ArrayList<>();
  private final ExecutorService workers = ThreadSource.virtualPerTask();

  /**
   * Requests verified as signed by a key of a Signature Group, other than those running guest code:
   * platform threads of their own, idle while keys in no group flood. A flood's requests keep the
   * virtual threads' carriers busy, and a busy thread waits its turn for a CPU behind every other
   * runnable thread on the host, whereas a thread that was asleep runs soon after it wakes; on the
   * shared carriers a trusted describe also queued behind the flood's describes in flight
   * (docs/PERFORMANCE.md, "Under attack"). Bounded by the fair slots of each lane.
   */
  private final ExecutorService trusted =
      Executors.newCachedThreadPool(ThreadSource.platform("udp-trusted-", 0, true));

  /**
   * Requests that run guest code get platform threads: Wasmtime's frames are native, so a virtual
   * thread inside a guest pins its carrier, and a guest waiting for a service on another host would
   * hold that carrier for the whole call; with as many carriers as cores, a few such waits (a call
   * chain that comes back to this host) would stall every request. In-flight requests are bounded;
   * idle threads are reused, so a warm request does not pay for a new thread.
   */
  private final ExecutorService guests =
      Executors.newCachedThreadPool(ThreadSource.platform("udp-guest-", 0, true));

  /**
   * Slots of requests that do work (fetch, execute, call, control), shared with the HTTP channel.
   */
  private final FairSlots work;

  /** Slots of discover and describe, which must never wait for a work slot. */
  private final FairSlots light = new FairSlots(LIGHT_IN_FLIGHT, LIGHT_IN_FLIGHT / 4);

  private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
  private final Failures failures =
      new Failures("UDP endpoint", LOG, Duration.ofMinutes(1), System::nanoTime);
  private final SupervisedLoop receiver;

  /**
   * Datagrams wait here between the receiving thread (which only reads them, so the socket's buffer
   * is drained however slow verifying gets) and the verifying threads. A datagram whose envelope
   * names a key of a Signature Group is verified by a thread of its own: a flood from keys in no
   * group, which cost nothing to make, cannot keep a trusted key's request waiting behind it.
   * Naming a trusted key without its private key gains a forger nothing but a failed check.
   */
  private final ArrayBlockingQueue<Pending> fromKnownKeys = new ArrayBlockingQueue<>(VERIFY_QUEUE);

  private final ArrayBlockingQueue<Pending> fromOthers = new ArrayBlockingQueue<>(VERIFY_QUEUE);
  private final Semaphore toVerify = new Semaphore(0);
  private final Semaphore toVerifyKnown = new Semaphore(0);
  private final Predicate<Fingerprint> knownKey;

  /**
   * The per-source limit of datagrams that name a Signature Group's key: a budget of its own, so a
   * flood from keys in no group, sent from the same address (every local client is 127.0.0.1), does
   * not use up a trusted key's.
   */
  private final SourceLimiter knownSources =
      new SourceLimiter(2_000, 4_000, 65_536, System::nanoTime);

  /**
   * Describes from keys in no group answered per source ({@code network.describe-rate}): the
   * answers are what a describe flood costs.
   */
  private volatile SourceLimiter strangerDescribes =
      new SourceLimiter(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, 1, System::nanoTime);

  private final List<SupervisedLoop> verifiers = new ArrayList<>();
  private final AnswerSpread spread;
  private final KnownPeers peers;
  private final ScheduledExecutorService spreader =
      Executors.newSingleThreadScheduledExecutor(ThreadSource.platform("udp-answer-spread", true));
  private final AtomicInteger spreadPending = new AtomicInteger();

  /**
   * Sends the replies that waited for the journal's fsync, in the order their events became
   * durable; unbounded, as the journal's pending events bound them (EventJournal waits appenders
   * beyond its pending bytes).
   */
  private final ExecutorService replies =
      Executors.newSingleThreadExecutor(ThreadSource.platform("udp-reply", true));

  /** One bound channel, where it sends replies from, and the multicast groups it serves. */
  private record Listener(
      DatagramChannel channel,
      DatagramChannel replyFrom,
      NetworkInterface nic,
      InetAddress group) {}

  /** How a datagram becomes a verified request (the verifier; a test may put a faulty one here). */
  @FunctionalInterface
  interface Check {
    SignedMessage verify(byte[] datagram);
  }

  private UdpEndpoint(
      NetworkSettings settings,
      MessageSigner host,
      Check verifier,
      RequestHandler handler,
      SourceLimiter sources,
      Clock clock,
      AnswerSpread spread,
      FairSlots work,
      Predicate<Fingerprint> knownKey,
      Duration restartPause,
      SessionHandshake sessions)
      throws IOException {
    this.settings = settings;
    this.sessions = sessions;
    this.spread = spread;
    // a peer missing three announcements in a row has gone without a bye (crashed, unplugged)
    this.peers =
        new KnownPeers(KNOWN_PEERS, settings.announceInterval().multipliedBy(3), System::nanoTime);
    this.host = host;
    this.verifier = verifier;
    this.handler = handler;
    this.sources = sources;
    this.clock = clock;
    this.selector = Selector.open();
    this.work = work;
    this.receiver =
        new SupervisedLoop("udp-endpoint", this::receive, selector::isOpen, restartPause);
    this.knownKey = knownKey;
    // the known keys' verifier sleeps while keys in no group flood, so it runs as soon as a
    // trusted datagram wakes it
    verifiers.add(
        new SupervisedLoop(
            "udp-verify-known",
            () -> verifyLoop(toVerifyKnown, fromKnownKeys),
            selector::isOpen,
            restartPause));
    for (int i = 1; i <= VERIFIERS; i++) {
      verifiers.add(
          new SupervisedLoop(
              "udp-endpoint-verify-" + i,
              () -> verifyLoop(toVerify, fromOthers),
              selector::isOpen,
              restartPause));
    }
  }

  /** Binds and joins as configured, starts answering, and announces this daemon. */
  public static UdpEndpoint open(
      NetworkSettings settings,
      MessageSigner host,
      Verifier verifier,
      RequestHandler handler,
      SourceLimiter sources,
      Clock clock) {
    return open(settings, host, verifier, handler, sources, clock, AnswerSpread.DEFAULT);
  }

  /**
   * As {@link #open(NetworkSettings, MessageSigner, Verifier, RequestHandler, SourceLimiter,
   * Clock)}, with answers to discover spread by {@code spread} instead of the protocol's default.
   */
  public static UdpEndpoint open(
      NetworkSettings settings,
      MessageSigner host,
      Verifier verifier,
      RequestHandler handler,
      SourceLimiter sources,
      Clock clock,
      AnswerSpread spread) {
    return open(
        settings,
        host,
        verifier,
        handler,
        sources,
        clock,
        spread,
        new FairSlots(64, 16),
        key -> false);
  }

  /**
   * As above, with the work slots it shares with the HTTP channel, and which keys are in a
   * Signature Group (their datagrams are verified first).
   */
  public static UdpEndpoint open(
      NetworkSettings settings,
      MessageSigner host,
      Verifier verifier,
      RequestHandler handler,
      SourceLimiter sources,
      Clock clock,
      AnswerSpread spread,
      FairSlots work,
      Predicate<Fingerprint> knownKey) {
    return open(
        settings,
        host,
        verifier,
        handler,
        sources,
        clock,
        spread,
        work,
        knownKey,
        SessionHandshake.NONE);
  }

  /** As above, accepting sessions (PROTOCOL.md §5a) as {@code sessions} says. */
  public static UdpEndpoint open(
      NetworkSettings settings,
      MessageSigner host,
      Verifier verifier,
      RequestHandler handler,
      SourceLimiter sources,
      Clock clock,
      AnswerSpread spread,
      FairSlots work,
      Predicate<Fingerprint> knownKey,
      SessionHandshake sessions) {
    return open(
        settings,
        host,
        datagram -> verifier.verify(datagram, datagram.length, WireLimits.UDP, sessions.sessions()),
        handler,
        sources,
        clock,
        spread,
        work,
        knownKey,
        Duration.ofMillis(200),
        sessions);
  }

  static UdpEndpoint open(
      NetworkSettings settings,
      MessageSigner host,
      Check verifier,
      RequestHandler handler,
      SourceLimiter sources,
      Clock clock,
      AnswerSpread spread,
      FairSlots work,
      Predicate<Fingerprint> knownKey,
      Duration restartPause) {
    return open(
        settings,
        host,
        verifier,
        handler,
        sources,
        clock,
        spread,
        work,
        knownKey,
        restartPause,
        SessionHandshake.NONE);
  }

  static UdpEndpoint open(
      NetworkSettings settings,
      MessageSigner host,
      Check verifier,
      RequestHandler handler,
      SourceLimiter sources,
      Clock clock,
      AnswerSpread spread,
      FairSlots work,
      Predicate<Fingerprint> knownKey,
      Duration restartPause,
      SessionHandshake sessions) {
    try {
      var endpoint =
          new UdpEndpoint(
              settings,
              host,
              verifier,
              handler,
              sources,
              clock,
              spread,
              work,
              knownKey,
              restartPause,
              sessions);
      endpoint.bind();
      endpoint.verifiers.forEach(SupervisedLoop::start);
      endpoint.receiver.start();
      endpoint.announce(handler.announce());
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the UDP endpoint on port " + settings.port() + ": " + e.getMessage(), e);
    }
  }

  private void bind() throws IOException {
    if (settings.interfaces() instanceof InterfaceSelection.Loopback) {
      NetworkInterface lo = InterfaceChoice.loopback().interfaces().getFirst();
      // Loopback only: multicast on the group address and unicast on 127.0.0.1, so nothing
      // arriving on another interface reaches us. IPv6 multicast has no route on lo by default.
      // No address reuse here: a second daemon on the same port must fail to start, not share it.
      DatagramChannel unicast =
          channel(
              StandardProtocolFamily.INET,
              new InetSocketAddress(InetAddress.getByName("127.0.0.1"), settings.port()),
              lo,
              0,
              false);
      listen(unicast, unicast, lo, null);
      if (settings.ipv4Enabled()) {
        DatagramChannel group =
            channel(
                StandardProtocolFamily.INET,
                new InetSocketAddress(settings.ipv4Group(), settings.port()),
                lo,
                0,
                true);
        group.join(settings.ipv4Group(), lo);
        listen(group, unicast, lo, settings.ipv4Group());
      }
      return;
    }
    for (NetworkInterface nic : interfaces()) {
      if (settings.ipv4Enabled() && hasAddress(nic, true)) {
        DatagramChannel v4 =
            channel(
                StandardProtocolFamily.INET,
                new InetSocketAddress(settings.port()),
                nic,
                settings.ttl(),
                true);
        v4.join(settings.ipv4Group(), nic);
        listen(v4, v4, nic, settings.ipv4Group());
      }
      if (settings.ipv6Enabled() && hasAddress(nic, false)) {
        DatagramChannel v6 =
            channel(
                StandardProtocolFamily.INET6,
                new InetSocketAddress(settings.port()),
                nic,
                settings.ttl(),
                true);
        v6.join(settings.ipv6Group(), nic);
        listen(v6, v6, nic, settings.ipv6Group());
      }
    }
  }

  private List<NetworkInterface> interfaces() throws SocketException {
    return switch (settings.interfaces()) {
      case InterfaceSelection.All all -> InterfaceChoice.all().interfaces();
      case InterfaceSelection.Named named -> {
        try {
          yield InterfaceChoice.named(named.names()).interfaces();
        } catch (InterfaceChoice.UnknownInterfaceException unknown) {
          throw new SocketException(
              "network.interfaces names '" + unknown.name() + "', which this host does not have");
        }
      }
      case InterfaceSelection.Loopback loopback ->
          throw new IllegalStateException("handled by bind()");
    };
  }

  private static boolean hasAddress(NetworkInterface nic, boolean ipv4) {
    return nic.inetAddresses().anyMatch(a -> (a instanceof Inet4Address) == ipv4);
  }

  /**
   * @param shared whether other sockets may bind the same port (group members must, to all hear it)
   */
  private static DatagramChannel channel(
      ProtocolFamily family,
      InetSocketAddress bindTo,
      NetworkInterface nic,
      int ttl,
      boolean shared)
      throws IOException {
    DatagramChannel channel = DatagramChannel.open(family);
    channel.setOption(StandardSocketOptions.SO_REUSEADDR, shared);
    channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nic);
    channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, nic.isLoopback() ? 0 : ttl);
    channel.bind(bindTo);
    channel.configureBlocking(false);
    return channel;
  }

  private void listen(
      DatagramChannel channel, DatagramChannel replyFrom, NetworkInterface nic, InetAddress group)
      throws IOException {
    listeners.add(new Listener(channel, replyFrom, nic, group));
    channel.register(selector, SelectionKey.OP_READ, listeners.getLast());
  }

  /**
   * The receiving loop; it ends only when the endpoint closes (else it is restarted: {@link
   * SupervisedLoop}).
   */
  private void receive() throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
    try {
      while (selector.isOpen()) {
        selector.select(1000);
        for (SelectionKey key : selector.selectedKeys()) {
          Listener listener = (Listener) key.attachment();
          buffer.clear();
          InetSocketAddress from;
          try {
            from = (InetSocketAddress) listener.channel().receive(buffer);
          } catch (IOException e) {
            count("receive-failed");
            continue;
          }
          if (from == null) {
            continue;
          }
          try {
            enqueue(listener, from, java.util.Arrays.copyOf(buffer.array(), buffer.position()));
          } catch (RuntimeException e) { // whatever one datagram does, the next one is read
            count("failed");
            failures.failed("a datagram from " + from.getAddress().getHostAddress() + " failed", e);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (ClosedSelectorException closed) {
      // close() ends the loop
    }
  }

  /** Rate-limits the source, then queues the datagram for verifying: a known signer's first. */
  private void enqueue(Listener listener, InetSocketAddress from, byte[] datagram) {
    // a sealed datagram names its session, whose requester decides the queue as a signer's key does
    boolean known =
        (org.weverywhere.protocol.Sealed.isSealed(datagram, datagram.length)
                ? sessions.claimedOwner(datagram)
                : claimedSigner(datagram))
            .map(knownKey::test)
            .orElse(false);
    if (!(known ? knownSources : sources).allow(from.getAddress())) {
      count(known ? "source-rate-known" : "source-rate");
      return;
    }
    var timeline = UdpRequestTimeline.receivedAt(System.nanoTime());
    if ((known ? fromKnownKeys : fromOthers)
        .offer(new Pending(listener, from, datagram, known, timeline))) {
      (known ? toVerifyKnown : toVerify).release();
    } else {
      count(known ? "verify-queue-full-known" : "verify-queue-full");
    }
  }

  /**
   * The key a datagram says it is signed by, unchecked: only which queue it waits in depends on it.
   */
  static Optional<Fingerprint> claimedSigner(byte[] datagram) {
    if (datagram.length < ENVELOPE_PREFIX.length + 32
        || !java.util.Arrays.equals(
            datagram, 0, ENVELOPE_PREFIX.length, ENVELOPE_PREFIX, 0, ENVELOPE_PREFIX.length)) {
      return Optional.empty();
    }
    return Optional.of(Fingerprint.ofRawEd25519(datagram, ENVELOPE_PREFIX.length));
  }

  /** Limits the describes answered to keys in no group, per source, from now on. */
  void limitStrangerDescribes(SourceLimiter describes) {
    this.strangerDescribes = describes;
  }

  /** A verifying thread's loop over one queue, until the endpoint closes. */
  private void verifyLoop(Semaphore ready, ArrayBlockingQueue<Pending> queue)
      throws InterruptedException {
    while (selector.isOpen()) {
      if (!ready.tryAcquire(200, TimeUnit.MILLISECONDS)) {
        continue;
      }
      Pending next = queue.poll();
      if (next == null) {
        continue;
      }
      try {
        accept(next.listener(), next.from(), next.datagram(), next.known(), next.timeline());
      } catch (RuntimeException e) { // whatever one datagram does, the next one is verified
        count("failed");
        failures.failed(
            "a datagram from " + next.from().getAddress().getHostAddress() + " failed", e);
      }
    }
  }

  private void accept(
      Listener listener,
      InetSocketAddress from,
      byte[] datagram,
      boolean knownSigner,
      UdpRequestTimeline timeline) {
    SignedMessage request;
    try {
      timeline.taken();
      request = verifier.verify(datagram);
      timeline.verified();
    } catch (ProtocolException refused) {
      count(refused.reason().name()); // never answered: an answer would help reflection attacks
      return;
    }
    // Announcements are not requests: they tell how many daemons share the LAN, nothing is
    // answered.
    if (request.message() instanceof Message.Announce || request.message() instanceof Message.Bye) {
      if (!request.fingerprint().equals(host.fingerprint())) {
        if (request.message() instanceof Message.Bye) {
          peers.gone(request.fingerprint());
        } else {
          peers.heard(request.fingerprint());
        }
      }
      return;
    }
    if (request.message() instanceof Message.Describe
        && !knownSigner
        && !strangerDescribes.allow(from.getAddress())) {
      count("describe-rate"); // dropped as over-rate datagrams are: no answer to amplify
      return;
    }
    boolean isLight =
        request.message() instanceof Message.Discover
            || request.message() instanceof Message.Describe;
    FairSlots lane = isLight ? light : work;
    String group = handler.groupOf(request);
    if (!lane.tryAcquire(group)) {
      count(isLight ? "busy-describe" : "busy");
      return;
    }
    boolean runsGuest =
        request.message() instanceof Message.Execute
            || request.message() instanceof Message.ServiceCall;
    try {
      (runsGuest ? guests : knownSigner ? trusted : workers)
          .submit(
              () -> {
                try {
                  timeline.working();
                  reply(listener, from, request, datagram, timeline);
                } catch (IOException | RuntimeException e) {
                  count("failed");
                  failures.failed("a request (" + request.message().type() + ") failed", e);
                } finally {
                  lane.release(group);
                }
              });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      lane.release(group);
      count("closing");
    }
  }

  private void reply(
      Listener listener,
      InetSocketAddress to,
      SignedMessage request,
      byte[] received,
      UdpRequestTimeline timeline)
      throws IOException {
    int requestBytes = received.length;
    RequestHandler.Answer answer;
    try {
      answer = handler.answer(request, RequestHandler.Transport.UDP);
    } catch (RuntimeException e) { // the requester learns the daemon failed, rather than waiting
      count("failed");
      failures.failed("a request (" + request.message().type() + ") failed", e);
      answer = RequestHandler.Answer.now(RequestHandler.failure(request.message().type(), e));
    }
    Optional<Message> reply =
        answer
            .reply()
            .map(
                r ->
                    sessions.answer(
                        r, request, received, to.getAddress(), listener.group() != null));
    if (reply.isEmpty()) {
      return;
    }
    timeline.handled();
    Header header = Header.replyTo(request.header(), clock.instant());
    int limit = WireLimits.maxUdpReply(requestBytes);
    byte[] wire = SessionHandshake.wire(host, request, header, reply.get());
    // An announce too long for the no-amplification rule loses libraries from the end until it
    // fits.
    if (reply.get() instanceof Message.Announce announce) {
      while (wire.length > limit && !announce.libraries().isEmpty()) {
        announce =
            new Message.Announce(
                announce.name(),
                announce.httpPort(),
                announce.libraries().subList(0, announce.libraries().size() / 2),
                announce.services(),
                announce.features(),
                announce.session());
        wire = host.sign(header, announce);
      }
    }
    // A description too long for one datagram goes as its first page, the client asks for the next.
    if (wire.length > limit
        && reply.get() instanceof Message.Description whole
        && request.message() instanceof Message.Describe describe) {
      Message page =
          DescriptionPages.fit(
              whole,
              describe.cursor(),
              limit,
              m -> SessionHandshake.size(host, request, header, m),
              handler.httpPort());
      wire = SessionHandshake.wire(host, request, header, page);
    }
    // signed while the journal syncs; nothing leaves before the request's event is on disk
    timeline.signed();
    var outgoing = new Outgoing(listener, to, request, header, wire, limit, answer, timeline);
    if (answer.recorded().isDone()) {
      send(outgoing);
      return;
    }
    // The worker thread and the request's work slot go on to the next request: a request that
    // waits for the journal's fdatasync holds neither (issue 16), and its reply still leaves only
    // once its event is on disk. A thread of its own sends it, so the journal's writer is back at
    // its next flush at once rather than sending a batch's replies first.
    answer
        .recorded()
        .whenComplete(
            (sequence, failed) -> {
              try {
                replies.execute(() -> sendOrCount(outgoing));
              } catch (java.util.concurrent.RejectedExecutionException closing) {
                count("closing");
              }
            });
  }

  /** A signed or sealed reply waiting for its request's event to be durable. */
  private record Outgoing(
      Listener listener,
      InetSocketAddress to,
      SignedMessage request,
      Header header,
      byte[] wire,
      int limit,
      RequestHandler.Answer answer,
      UdpRequestTimeline timeline) {}

  private void sendOrCount(Outgoing outgoing) {
    try {
      send(outgoing);
    } catch (IOException | RuntimeException e) {
      count("failed");
      failures.failed("a reply (" + outgoing.request().message().type() + ") failed", e);
    }
  }

  /** Sends the reply once its event is durable; an event that could not be written, an error. */
  private void send(Outgoing outgoing) throws IOException {
    SignedMessage request = outgoing.request();
    byte[] wire = outgoing.wire();
    try {
      outgoing.answer().whenRecorded();
    } catch (
        org.weverywhere.events.JournalException
            unrecorded) { // not on the bill: the result is not given
      count("unrecorded");
      failures.failed(
          "a request (" + request.message().type() + ") could not be journaled", unrecorded);
      wire =
          SessionHandshake.wire(
              host,
              request,
              outgoing.header(),
              RequestHandler.error(unrecorded.code(), unrecorded.getMessage(), Optional.empty()));
    }
    UdpRequestTimeline timeline = outgoing.timeline();
    Listener listener = outgoing.listener();
    InetSocketAddress to = outgoing.to();
    timeline.recorded();
    if (wire.length > outgoing.limit()) {
      count("reply-over-3x");
      return;
    }
    Duration delay =
        request.message() instanceof Message.Discover
            ? spread.delay(peers.count(), ThreadLocalRandom.current())
            : Duration.ZERO;
    if (delay.isZero()) {
      listener.replyFrom().send(ByteBuffer.wrap(wire), to);
      timeline.sent(request.message().type(), request.session().isPresent());
      return;
    }
    if (spreadPending.incrementAndGet() > SPREAD_PENDING) {
      spreadPending.decrementAndGet();
      count("spread-full");
      return;
    }
    byte[] datagram = wire;
    spreader.schedule(
        () -> {
          spreadPending.decrementAndGet();
          try {
            listener.replyFrom().send(ByteBuffer.wrap(datagram), to);
          } catch (IOException e) {
            count("send-failed");
          }
        },
        delay.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** Other daemons heard announcing recently: what the spread of answers to discover grows with. */
  public int knownPeers() {
    return peers.count();
  }

  /** Sends {@code message} (announce or bye) to the groups on every interface served. */
  void announce(Message message) {
    for (Listener listener : listeners) {
      if (listener.group() == null) {
        continue;
      }
      byte[] wire = host.sign(Header.fresh(Audience.ANY, clock.instant()), message);
      if (wire.length > WireLimits.UDP_DATAGRAM_BYTES && message instanceof Message.Announce a) {
        wire =
            host.sign(
                Header.fresh(Audience.ANY, clock.instant()),
                new Message.Announce(
                    a.name(), a.httpPort(), List.of(), a.services(), a.features()));
      }
      try {
        listener
            .replyFrom()
            .send(ByteBuffer.wrap(wire), new InetSocketAddress(listener.group(), settings.port()));
      } catch (IOException e) {
        LOG.log(Level.FINE, "announce on " + listener.nic().getName() + " failed", e);
      }
    }
  }

  /** Datagrams not answered, by reason: refused checks, source rate, busy, replies over 3x. */
  public Map<String, Long> dropped() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    dropped.forEach((reason, n) -> counts.put(reason, n.get()));
    return counts;
  }

  private void count(String reason) {
    dropped.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  /** Whether every channel is bound: the readiness check asks. */
  public boolean isOpen() {
    return selector.isOpen() && listeners.stream().allMatch(l -> l.channel().isOpen());
  }

  /** Why the receiving loop is not running now (it is being restarted), for readiness. */
  public Optional<String> down() {
    Optional<String> down = receiver.down();
    for (SupervisedLoop verifier : verifiers) {
      down = down.or(verifier::down);
    }
    return down;
  }

  /** How often the receiving loop was restarted since start. */
  public int restarts() {
    return receiver.restarts() + verifiers.stream().mapToInt(SupervisedLoop::restarts).sum();
  }

  /** Requests that failed while being handled (not refusals), by reason. */
  public Map<String, Long> failures() {
    return failures.counts();
  }

  /** Says bye, then stops answering. */
  @Override
  public void close() {
    announce(new Message.Bye());
    try {
      selector.close();
      for (Listener listener : listeners) {
        listener.channel().close();
      }
      receiver.close();
      verifiers.forEach(SupervisedLoop::close);
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing the UDP endpoint", e);
    }
    workers.shutdownNow();
    trusted.shutdownNow();
    guests.shutdownNow();
    replies.shutdownNow();
    spreader.shutdownNow();
  }
}
