package org.weverywhere.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.weverywhere.ErrorCode;
import org.weverywhere.protocol.Message;

class TallyTest {
  @Test
  void answersAreCountedAsOkRefusedByTheirCodeOrFailedRuns() {
    Tally tally = new Tally();
    UdpLoad.classify(tally, new Message.Discover(), 1_000_000, 10);
    UdpLoad.classify(tally, new Message.ErrorReply("WE5022", "quota", Optional.of("cores")), 0, 20);
    UdpLoad.classify(tally, new Message.ErrorReply("WE5022", "quota", Optional.of("cores")), 0, 30);
    UdpLoad.classify(tally, new Message.ErrorReply("WE5012", "no", Optional.empty()), 0, 40);
    tally.failed(ErrorCode.PROTOCOL_NO_ANSWER, 50);
    assertEquals(1, tally.ok());
    assertEquals(Map.of("WE5022", 2L, "WE5012", 1L), tally.refused());
    assertEquals(Map.of("WE5024", 1L), tally.errors());
    assertEquals(50, tally.lastAnswerNanos());

    Tally other = new Tally();
    other.failed(ErrorCode.PROTOCOL_NO_ANSWER, 70);
    other.ok(3_000_000, 60);
    tally.add(other);
    assertEquals(2, tally.ok());
    assertEquals(Map.of("WE5024", 2L), tally.errors());
    assertEquals(70, tally.lastAnswerNanos());
    assertEquals(2, tally.latency().count());
  }
}
