package org.weverywhere.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import org.weverywhere.ErrorCode;

/**
 * Reads the journal from a sequence number on, across segments, and waits at the end for the next
 * durable event: a tail that costs the writer nothing. Not thread-safe; one per subscriber.
 */
public final class JournalReader implements AutoCloseable {
  private final EventJournal journal;
  private long next;
  private FileChannel channel;
  private long segmentFirst = -1;
  private long position;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private byte[] line = new byte[1024];
  private int lineLength;

  JournalReader(EventJournal journal, long from) {
    this.journal = journal;
    this.next = from;
    buffer.limit(0);
  }

  /** The sequence number of the next event this reader will return. */
  public long position() {
    return next;
  }

  /** The next event, waiting up to {@code timeout} for one to be written; empty if none came. */
  public Optional<JournalEvent> next(Duration timeout) throws InterruptedException {
    Optional<JournalEvent> event = readNext();
    if (event.isEmpty() && journal.awaitBeyond(next - 1, timeout)) {
      event = readNext();
    }
    return event;
  }

  private Optional<JournalEvent> readNext() {
    try {
      while (true) {
        EventJournal.Readable segment = journal.segmentFor(next);
        if (segment == null) {
          return Optional.empty();
        }
        if (segment.firstSequence() != segmentFirst) {
          openSegment(segment);
        }
        JournalEvent event = nextLine(segment.limit());
        if (event == null) {
          if (segment.newest()) {
            return Optional.empty();
          }
          // A closed segment is used up; sequences are contiguous, so the next one holds `next`.
          closeChannel();
          var following = journal.segmentFor(next);
          if (following != null && following.firstSequence() == segment.firstSequence()) {
            throw new JournalException(
                ErrorCode.JOURNAL_IO,
                segment.file()
                    + ": ends before event "
                    + next
                    + ", and no later segment starts there",
                null);
          }
          continue;
        }
        if (event.sequence() < next) {
          continue; // before where this reader starts
        }
        next = event.sequence() + 1;
        return Optional.of(event);
      }
    } catch (NoSuchFileException gone) {
      throw new JournalException(
          ErrorCode.JOURNAL_BEHIND,
          "events from "
              + next
              + " were deleted by retention while being read; resume from the oldest kept event",
          gone);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the event journal: " + e.getMessage(), e);
    }
  }

  private void openSegment(EventJournal.Readable segment) throws IOException {
    closeChannel();
    channel = FileChannel.open(segment.file(), StandardOpenOption.READ);
    segmentFirst = segment.firstSequence();
    position = 0;
    buffer.clear().limit(0);
    lineLength = 0;
  }

  /** The next whole line of the segment within {@code limit}, or null at that limit. */
  private JournalEvent nextLine(long limit) throws IOException {
    while (true) {
      while (buffer.hasRemaining()) {
        byte b = buffer.get();
        if (b == '\n') {
          JournalEvent event = EventJournal.parse(line, lineLength);
          lineLength = 0;
          return event;
        }
        if (lineLength == line.length) {
          line = java.util.Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
      }
      if (position >= limit) {
        return null;
      }
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), limit - position));
      int read = channel.read(buffer, position);
      if (read <= 0) {
        buffer.limit(0);
        return null;
      }
      position += read;
      buffer.flip();
    }
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
    segmentFirst = -1;
  }

  @Override
  public void close() {
    try {
      closeChannel();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
