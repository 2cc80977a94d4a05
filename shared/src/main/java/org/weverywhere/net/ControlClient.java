package org.weverywhere.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.LocalPayload;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.WireLimits;

/**
 * Talks to a daemon's control socket: sends {@code control} messages as unsigned payloads in frames
 * (the kernel tells the daemon who we are) and reads {@code report} or {@code error} replies. An
 * {@code error} becomes a {@link WeverywhereException} with the daemon's code.
 */
public final class ControlClient implements AutoCloseable {
  private final Path path;
  private final SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;
  private final Clock clock;

  private ControlClient(Path path, SocketChannel channel, Clock clock) {
    this.path = path;
    this.channel = channel;
    this.in = Channels.newInputStream(channel);
    this.out = Channels.newOutputStream(channel);
    this.clock = clock;
  }

  /** Connects to the socket at {@code path}; a missing or refusing socket says what to check. */
  public static ControlClient connect(Path path, Clock clock) {
    if (!Files.exists(path)) {
      throw new WeverywhereException(
          ErrorCode.CONTROL_UNREACHABLE,
          "no control socket at "
              + path
              + " (is the daemon running? give its socket with --socket, or its configuration with --config-dir)");
    }
    try {
      return new ControlClient(path, SocketChannel.open(UnixDomainSocketAddress.of(path)), clock);
    } catch (IOException e) {
      throw new WeverywhereException(
          ErrorCode.CONTROL_UNREACHABLE,
          "cannot connect to the control socket " + path + ": " + e.getMessage(),
          e);
    }
  }

  /** Sends {@code control} and returns the daemon's report; gives up after {@code timeout}. */
  public Message.Report request(Message.Control control, Duration timeout) {
    Header header = Header.fresh(Audience.ANY, clock.instant());
    Thread guard = closeAfter(timeout);
    try {
      send(header, control);
      return report(
          receive(header)
              .orElseThrow(
                  () ->
                      new WeverywhereException(
                          ErrorCode.CONTROL_UNREACHABLE,
                          "the daemon closed the control socket " + path + " without answering")));
    } finally {
      guard.interrupt();
    }
  }

  /**
   * Sends {@code control} (an {@code events} request with {@code follow=true}) and hands each
   * report to {@code each} until it returns false or the daemon closes the stream.
   */
  public void follow(Message.Control control, Predicate<Message.Report> each) {
    Header header = Header.fresh(Audience.ANY, clock.instant());
    send(header, control);
    while (true) {
      Optional<Message> next = receive(header);
      if (next.isEmpty() || !each.test(report(next.get()))) {
        return;
      }
    }
  }

  private void send(Header header, Message.Control control) {
    try {
      Frames.write(out, LocalPayload.encode(header, control));
    } catch (IOException e) {
      throw unreachable("sending to", e);
    }
  }

  private Optional<Message> receive(Header request) {
    Optional<byte[]> frame;
    try {
      frame = Frames.read(in);
    } catch (IOException e) {
      throw unreachable("reading from", e);
    }
    if (frame.isEmpty()) {
      return Optional.empty();
    }
    LocalPayload.Decoded reply;
    try {
      reply = LocalPayload.decode(frame.get(), WireLimits.HTTP);
    } catch (ProtocolException bad) {
      throw new WeverywhereException(
          bad.code(), "the daemon's reply on " + path + " is not valid: " + bad.getMessage());
    }
    // A refusal comes before the request is read, so it answers no id; any other reply must answer
    // ours.
    if (!(reply.message() instanceof Message.ErrorReply)
        && !reply.header().replyTo().equals(Optional.of(request.id()))) {
      throw new WeverywhereException(
          ErrorCode.PROTOCOL_REFUSED, "the daemon on " + path + " answered another request");
    }
    return Optional.of(reply.message());
  }

  private static Message.Report report(Message reply) {
    return switch (reply) {
      case Message.Report report -> report;
      case Message.ErrorReply error ->
          throw new WeverywhereException(codeOf(error.code()), error.message());
      default ->
          throw new WeverywhereException(
              ErrorCode.PROTOCOL_REFUSED,
              "the daemon answered with '" + reply.type() + "', not a report");
    };
  }

  /** The code a daemon sent, or PROTOCOL_REFUSED for one this version does not know. */
  public static ErrorCode codeOf(String code) {
    return Arrays.stream(ErrorCode.values())
        .filter(c -> c.code().equals(code))
        .findFirst()
        .orElse(ErrorCode.PROTOCOL_REFUSED);
  }

  private WeverywhereException unreachable(String doing, IOException e) {
    if (e instanceof java.nio.channels.ClosedChannelException) {
      return new WeverywhereException(
          ErrorCode.PROTOCOL_NO_ANSWER, "the daemon on " + path + " did not answer in time", e);
    }
    return new WeverywhereException(
        ErrorCode.CONTROL_UNREACHABLE,
        doing
            + " the control socket "
            + path
            + " failed: "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
        e);
  }

  /**
   * Closes the channel when {@code timeout} passes first, so a daemon that hangs cannot hang us.
   */
  private Thread closeAfter(Duration timeout) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(timeout);
                channel.close();
              } catch (InterruptedException | IOException done) {
                // answered in time, or closed already
              }
            });
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to tell the daemon
    }
  }
}
