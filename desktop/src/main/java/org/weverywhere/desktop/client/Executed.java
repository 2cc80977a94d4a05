package org.weverywhere.desktop.client;

import java.time.Duration;
import java.util.Objects;
import org.weverywhere.protocol.Message;

/**
 * A daemon's {@code result} with what the explorer itself measured of the exchange: the signed
 * reply's size and the round trip from sending to the verified reply (the result carries the
 * daemon's CPU time, wall time and peak memory).
 */
public record Executed(Message.Result result, int replyBytes, Duration roundTrip) {
  public Executed {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(roundTrip, "roundTrip");
  }
}
