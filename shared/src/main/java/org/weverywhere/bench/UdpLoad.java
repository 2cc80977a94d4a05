package org.weverywhere.bench;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.weverywhere.ErrorCode;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageId;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.RequestKey;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.protocol.Verifier;
import org.weverywhere.protocol.WireLimits;

/**
 * One UDP load thread: a socket of its own and {@code slots} requests in flight on it, each sent
 * again (a new request) as soon as its answer comes or its timeout passes. No retransmission: a
 * datagram lost is a request unanswered ({@code WE5024}), as a user's load tool should show it.
 * Replies are matched to requests by the {@code re} id, so one socket serves all slots and every
 * target.
 */
final class UdpLoad implements Callable<Tally> {
  private final List<Target> targets;
  private final int[] order;
  private final LoadWindow window;
  private final MessageSigner signer;
  private final Verifier verifier;

  /** The sessions requests are sealed in; null: every request is signed. */
  private final LoadSessions sessions;

  private final Verifier.Sessions held;
  private final Clock clock;
  private final long timeoutNanos;
  private final int slots;
  private long next;

  private final long[] sentAt;
  private final MessageId[] ids;
  private final int[] targetOf;
  private final Map<MessageId, Integer> inFlight;
  private int active;

  /** Slots whose send failed: tried again at the next timeout scan, not in a tight loop. */
  private final boolean[] resting;

  private int restingCount;
  private final Tally tally = new Tally();

  UdpLoad(
      List<Target> targets,
      int[] order,
      LoadWindow window,
      MessageSigner signer,
      Verifier verifier,
      Clock clock,
      Duration timeout,
      int slots,
      int offset,
      LoadSessions sessions) {
    this.targets = targets;
    this.order = order;
    this.window = window;
    this.signer = signer;
    this.verifier = verifier;
    this.sessions = sessions;
    this.held = sessions == null ? Verifier.Sessions.NONE : sessions.held();
    this.clock = clock;
    this.timeoutNanos = timeout.toNanos();
    this.slots = slots;
    this.next = offset;
    this.sentAt = new long[slots];
    this.ids = new MessageId[slots];
    this.targetOf = new int[slots];
    this.inFlight = new HashMap<>(slots * 2);
    this.resting = new boolean[slots];
  }

  @Override
  public Tally call() throws IOException {
    try (DatagramChannel channel = DatagramChannel.open();
        Selector selector = Selector.open()) {
      // many replies may arrive while one is being verified
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 22);
      channel.bind(null);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer buffer = ByteBuffer.allocate(WireLimits.UDP_DATAGRAM_BYTES + 1);
      for (int slot = 0; slot < slots; slot++) {
        issue(channel, slot);
      }
      long lastScan = System.nanoTime();
      while (active + restingCount > 0) {
        if (selector.select(5) > 0) {
          selector.selectedKeys().clear();
          for (int i = 0; i < 256; i++) { // drain, but let the timeouts be looked at
            buffer.clear();
            if (channel.receive(buffer) == null) {
              break;
            }
            answer(channel, buffer);
          }
        }
        long now = System.nanoTime();
        if (now - lastScan >= 5_000_000L) {
          lastScan = now;
          for (int slot = 0; slot < slots; slot++) {
            if (resting[slot]) {
              resting[slot] = false;
              restingCount--;
              issue(channel, slot);
            } else if (ids[slot] != null && now - sentAt[slot] > timeoutNanos) {
              inFlight.remove(ids[slot]);
              ids[slot] = null;
              active--;
              if (window.measured(sentAt[slot])) {
                tally.failed(ErrorCode.PROTOCOL_NO_ANSWER, now);
              }
              issue(channel, slot);
            }
          }
        }
      }
    }
    return tally;
  }

  private void answer(DatagramChannel channel, ByteBuffer buffer) throws IOException {
    long now;
    SignedMessage reply;
    try {
      reply = verifier.verify(buffer.array(), buffer.position(), WireLimits.UDP, held);
    } catch (ProtocolException unverifiable) {
      // not matched to a request: its slot will time out; counted for what it was
      tally.failed(unverifiable.reason().code(), System.nanoTime(), unverifiable.getMessage());
      return;
    }
    now = System.nanoTime();
    Integer found = reply.header().replyTo().map(inFlight::get).orElse(null);
    if (found == null) {
      tally.countLate();
      return;
    }
    int slot = found;
    inFlight.remove(ids[slot]);
    ids[slot] = null;
    active--;
    if (window.measured(sentAt[slot])) {
      if (!reply.fingerprint().equals(targets.get(targetOf[slot]).node())) {
        tally.failed(ErrorCode.PROTOCOL_WRONG_NODE, now);
      } else {
        classify(tally, reply.message(), now - sentAt[slot], now);
      }
    }
    issue(channel, slot);
  }

  /** Counts one verified answer from the node that was asked. */
  static void classify(Tally tally, Message reply, long latency, long now) {
    switch (reply) {
      case Message.ErrorReply error -> tally.refused(error.code(), now);
      case Message.Result result when !result.outcome().equals("completed") ->
          tally.failed(ErrorCode.WASM_RUN_FAILED, now);
      default -> tally.ok(latency, now);
    }
  }

  private void issue(DatagramChannel channel, int slot) throws IOException {
    long start = System.nanoTime();
    if (!window.mayStart(start)) {
      return;
    }
    long k = next++;
    int t = (int) (k % targets.size());
    int entry = order[(int) ((k / targets.size()) % order.length)];
    Target target = targets.get(t);
    Header header = Header.fresh(target.audience(entry), clock.instant());
    Message request = RequestKey.keyed(target.requests().get(entry));
    byte[] wire =
        sessions == null ? signer.sign(header, request) : sessions.wire(target, header, request);
    boolean measured = window.measured(start);
    if (measured) {
      tally.countSent();
    }
    int written;
    try {
      written = channel.send(ByteBuffer.wrap(wire), target.udp());
    } catch (IOException failed) {
      // e.g. no route: this request failed; the next one tries again
      written = 0;
    }
    if (written == 0) {
      if (measured) {
        tally.failed(ErrorCode.PROTOCOL_TRANSPORT, System.nanoTime());
      }
      resting[slot] = true; // tried again at the next scan
      restingCount++;
      return;
    }
    sentAt[slot] = start;
    ids[slot] = header.id();
    targetOf[slot] = t;
    inFlight.put(header.id(), slot);
    active++;
  }
}
