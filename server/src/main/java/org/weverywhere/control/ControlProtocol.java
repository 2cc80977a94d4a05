package org.weverywhere.control;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.weverywhere.ErrorCode;
import org.weverywhere.events.JournalException;
import org.weverywhere.events.JournalReader;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.LocalPayload;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.WireLimits;

/**
 * The control socket's side of the protocol: each frame is one unsigned {@code control} payload
 * (docs/PROTOCOL.md, "Control socket"), answered by a {@code report} or an {@code error} whose
 * {@code re} is the request's id. {@code events} with {@code follow=true} turns the connection into
 * a stream of {@code report} frames that lasts until the peer closes it.
 */
public final class ControlProtocol implements ControlService {
  /**
   * A following subscriber that gets no event for this long gets an empty batch: a closed peer
   * shows.
   */
  static final Duration HEARTBEAT = Duration.ofSeconds(5);

  private final ControlActions actions;
  private final Clock clock;
  private final PeerPolicy.Accounts accounts;

  public ControlProtocol(ControlActions actions, Clock clock, PeerPolicy.Accounts accounts) {
    this.actions = actions;
    this.clock = clock;
    this.accounts = accounts;
  }

  @Override
  public void handle(PeerCredentials peer, byte[] request, Replies replies) throws IOException {
    LocalPayload.Decoded decoded;
    try {
      decoded = LocalPayload.decode(request, WireLimits.HTTP);
    } catch (ProtocolException bad) {
      replies.send(unanswered(bad.code(), bad.getMessage()));
      return;
    }
    if (!(decoded.message() instanceof Message.Control control)) {
      replies.send(
          reply(
              decoded.header(),
              ControlActions.error(
                  ErrorCode.PROTOCOL_UNKNOWN_TYPE,
                  "the control socket takes control messages, not '"
                      + decoded.message().type()
                      + "'")));
      return;
    }
    if (control.action().equals("events") && "true".equals(control.arguments().get("follow"))) {
      follow(decoded.header(), control.arguments(), replies);
      return;
    }
    replies.send(reply(decoded.header(), actions.perform(control, who(peer), peer.uid() == 0)));
  }

  /**
   * Streams batches of events from {@code since} (default: the next one) as they are written. The
   * reader reads the journal's files, so a slow subscriber costs no memory and never holds up an
   * execution; one that falls behind the retention is told where to resume.
   */
  private void follow(Header request, Map<String, String> args, Replies replies)
      throws IOException {
    long since;
    try {
      since =
          args.containsKey("since")
              ? Long.parseLong(args.get("since").strip())
              : actions.nextSequence();
    } catch (NumberFormatException e) {
      replies.send(
          reply(
              request,
              ControlActions.error(
                  ErrorCode.CONTROL_BAD_REQUEST,
                  "'since' must be a whole number, not '" + args.get("since") + "'")));
      return;
    }
    try (JournalReader reader = actions.follow(Math.max(1, since))) {
      while (!Thread.currentThread().isInterrupted()) {
        var batch = actions.eventBatch(reader, ControlActions.EVENTS_BATCH_MAX, HEARTBEAT);
        replies.send(reply(request, new Message.Report("events", batch)));
      }
    } catch (JournalException behind) {
      replies.send(reply(request, ControlActions.error(behind.code(), behind.getMessage())));
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    }
  }

  private byte[] reply(Header request, Message message) {
    return LocalPayload.encode(Header.replyTo(request, clock.instant()), message);
  }

  private byte[] unanswered(ErrorCode code, String message) {
    return LocalPayload.encode(
        Header.fresh(Audience.ANY, clock.instant()), ControlActions.error(code, message));
  }

  @Override
  public byte[] refusal(String reason) {
    return unanswered(ErrorCode.CONTROL_PEER_REFUSED, reason);
  }

  @Override
  public byte[] badFrame(String reason) {
    return unanswered(ErrorCode.PROTOCOL_OVERSIZED, reason);
  }

  /** Who asked, as the journal names a local peer: user, uid and pid. */
  private String who(PeerCredentials peer) {
    return "local " + accounts.userName(peer.uid()).map(n -> n + " ").orElse("") + "(" + peer + ")";
  }
}
