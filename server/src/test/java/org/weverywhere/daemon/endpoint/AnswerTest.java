package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.weverywhere.ErrorCode;
import org.weverywhere.events.JournalException;
import org.weverywhere.protocol.Message;

/**
 * A reply may be signed while its event is being written, but is released only once it is on disk.
 */
class AnswerTest {
  private final Message reply = new Message.Announce("n", 1, List.of(), List.of());

  @Test
  void theReplyWaitsForItsEvent() throws Exception {
    var recorded = new CompletableFuture<Long>();
    var answer = new RequestHandler.Answer(Optional.of(reply), recorded);
    AtomicBoolean released = new AtomicBoolean();
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  answer.whenRecorded();
                  released.set(true);
                });
    sender.join(100);
    assertFalse(released.get(), "released before the event was durable");
    recorded.complete(7L);
    sender.join(5_000);
    assertTrue(released.get());
    assertSame(reply, answer.whenRecorded().orElseThrow());
  }

  @Test
  void aJournalThatCannotWriteFailsTheRequest() {
    var failed = new CompletableFuture<Long>();
    failed.completeExceptionally(
        new JournalException(ErrorCode.JOURNAL_IO, "disk full", new IOException("ENOSPC")));
    var answer = new RequestHandler.Answer(Optional.of(reply), failed);
    JournalException e = assertThrows(JournalException.class, answer::whenRecorded);
    assertEquals(ErrorCode.JOURNAL_IO, e.code());

    var odd = new CompletableFuture<Long>();
    odd.completeExceptionally(new IllegalStateException("writer died"));
    JournalException wrapped =
        assertThrows(
            JournalException.class,
            new RequestHandler.Answer(Optional.of(reply), odd)::whenRecorded);
    assertEquals(ErrorCode.JOURNAL_IO, wrapped.code());
  }
}
