package org.weverywhere.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.weverywhere.ErrorCode;
import org.weverywhere.host.ThreadSource;

/**
 * An append-only, durable journal of events, one CloudEvents 1.0 JSON object per line, each with a
 * sequence number one higher than the last.
 *
 * <p>{@link #append} returns only once the event is on disk ({@code fsync}): events are written
 * before anyone is told of them. Concurrent appends are committed together (group commit), so
 * durability costs one {@code fsync} per batch, not per event. Segments are named by their first
 * sequence number and rotate at a size; closed segments older than the retention are deleted.
 * Readers ({@link #read}) follow the files, not a queue, so a slow reader never holds up a writer.
 * After a crash, an incomplete last line is cut off at open: it was never acknowledged.
 *
 * <p>A write error (a full disk) does not stop the journal for good: what was not written is failed
 * (it was never acknowledged, and its sequence numbers are given again), new appends are refused at
 * once ({@link ErrorCode#JOURNAL_UNAVAILABLE}) while {@link #unavailable()} says why, and the
 * writer tries again every second by writing an {@code org.weverywhere.journal.recovered} event:
 * once that is on disk the journal takes appends again. The journal also keeps to a disk budget:
 * closed segments beyond the retention go first, and while the events kept (all of them
 * acknowledged) fill the budget, appends are refused ({@link ErrorCode#JOURNAL_FULL}) rather than
 * any of them deleted.
 */
public final class EventJournal implements AutoCloseable {
  /** The CloudEvents extension attribute that carries the sequence number. */
  public static final String SEQUENCE = "weverywhereseq";

  private static final Pattern SEGMENT = Pattern.compile("events-(\\d{20})\\.jsonl");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** No event is this large; a longer "line" is damage, and is not held in memory whole. */
  private static final int MAX_LINE = 1024 * 1024;

  private final Path dir;
  private final long maxSegmentSize;
  private final Duration retention;
  private final long maxTotalSize;
  private final String source;

  /** How long the writer waits before it tries a failed disk again. */
  private volatile long retryNanos = TimeUnit.SECONDS.toNanos(1);

  /** Bytes of the closed segments (all but the newest). Guarded by lock. */
  private long closedBytes;

  /**
   * When the current write failure began, for health; null while writes succeed. Guarded by lock.
   */
  private Instant failedSince;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition committed = lock.newCondition();

  /** First sequence number of each segment, to its file. Guarded by lock. */
  private final NavigableMap<Long, Path> segments = new TreeMap<>();

  private List<Pending> pending = new ArrayList<>();
  private long pendingBytes;
  private static final long MAX_PENDING_BYTES = 16L << 20;

  /**
   * How long an event appended with {@link #appendDeferred} may wait for company before its fsync.
   */
  static final long DEFER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);

  /** Whether something pending waits for its fsync now (not only deferred events). */
  private boolean urgent;

  /** When the oldest deferred event still pending was appended (System.nanoTime), if any. */
  private long deferredSince = -1;

  private final Condition drained = lock.newCondition();
  private long nextSequence;
  private long durableSequence;

  /** Bytes of the newest segment that are on disk; readers read no further. */
  private long durableSize;

  private IOException failure;
  private boolean closed;

  /** While set, the writer writes nothing: tests hold a flush to see what waits for it. */
  private boolean held;

  private FileChannel active;
  private final Thread writer;

  private EventJournal(
      Path dir, long maxSegmentSize, Duration retention, long maxTotalSize, String source) {
    this.dir = dir;
    this.maxSegmentSize = maxSegmentSize;
    this.retention = retention;
    this.maxTotalSize = maxTotalSize;
    this.source = source;
    // unmanaged: the daemon's start waits for this thread (it journals the start durably), and on
    // Liberty a managed thread runs only once the application's start has ended (ThreadSource)
    this.writer = ThreadSource.unmanaged("event-journal-writer", true, this::writeLoop);
  }

  /**
   * Opens the journal in {@code dir} (created if missing), recovering after a crash.
   *
   * @param source the node id, written as each event's CloudEvents {@code source}
   */
  public static EventJournal open(
      Path dir, long maxSegmentSize, Duration retention, String source) {
    return open(dir, maxSegmentSize, retention, Long.MAX_VALUE, source);
  }

  /**
   * As {@link #open(Path, long, Duration, String)}, within a disk budget.
   *
   * @param maxTotalSize bytes all segments together may take ({@code
   *     events.journal.max-total-size})
   */
  public static EventJournal open(
      Path dir, long maxSegmentSize, Duration retention, long maxTotalSize, String source) {
    var journal = new EventJournal(dir, maxSegmentSize, retention, maxTotalSize, source);
    try {
      Files.createDirectories(dir);
      journal.recover();
    } catch (IOException e) {
      throw new JournalException(
          ErrorCode.JOURNAL_IO,
          "cannot open the event journal in " + dir + ": " + e.getMessage(),
          e);
    }
    journal.writer.start();
    return journal;
  }

  private void recover() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Matcher m = SEGMENT.matcher(file.getFileName().toString());
        if (m.matches()) {
          segments.put(Long.parseLong(m.group(1)), file);
        }
      }
    }
    expire();
    if (segments.isEmpty()) {
      nextSequence = 1;
      durableSequence = 0;
      return;
    }
    var last = segments.lastEntry();
    long lastSequence = last.getKey() - 1;
    long validEnd = 0;
    // Only the last segment can hold the tail of a crash: a final line without its newline, or
    // one that does not parse, was never acknowledged and is cut off. Damage anywhere before it
    // is not papered over.
    try (var in =
        new java.io.BufferedInputStream(Files.newInputStream(last.getValue()), 64 * 1024)) {
      var line = new ByteArrayOutputStream();
      long position = 0;
      long lineNumber = 0;
      int b;
      while ((b = in.read()) >= 0) {
        position++;
        if (b != '\n') {
          if (line.size() < MAX_LINE) {
            line.write(b);
          }
          continue;
        }
        lineNumber++;
        long sequence = sequenceOf(line.toString(java.nio.charset.StandardCharsets.UTF_8));
        line.reset();
        if (sequence != lastSequence + 1) {
          if (in.read() < 0) { // the broken line was the last one: the crash tail
            break;
          }
          throw new IOException(
              last.getValue()
                  + ":"
                  + lineNumber
                  + ": expected event "
                  + (lastSequence + 1)
                  + ", found "
                  + (sequence < 0 ? "a damaged line" : "event " + sequence));
        }
        lastSequence = sequence;
        validEnd = position;
      }
    }
    try (FileChannel channel = FileChannel.open(last.getValue(), StandardOpenOption.WRITE)) {
      if (channel.size() > validEnd) {
        channel.truncate(validEnd);
        channel.force(true);
      }
    }
    nextSequence = lastSequence + 1;
    durableSequence = lastSequence;
    active = FileChannel.open(last.getValue(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    durableSize = validEnd;
    closedBytes = closedSize();
  }

  /**
   * Bytes of every segment but the newest, read from the files. Called under lock (or before the
   * writer starts).
   */
  private long closedSize() throws IOException {
    long total = 0;
    for (Path file : segments.headMap(segments.isEmpty() ? 0 : segments.lastKey()).values()) {
      total += Files.size(file);
    }
    return total;
  }

  /** The sequence number on a journal line, or -1 when the line is not a journal event. */
  private static long sequenceOf(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      return node != null && node.path(SEQUENCE).canConvertToLong()
          ? node.path(SEQUENCE).asLong()
          : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Writes the event durably and returns its sequence number. */
  public long append(JournalEvent event) {
    try {
      return appendAsync(event).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof JournalException j
          ? j
          : new JournalException(
              ErrorCode.JOURNAL_IO, "the event journal cannot be written", e.getCause());
    }
  }

  /**
   * Queues the event and returns at once; the future completes with its sequence number once it is
   * on disk. Many appends in flight share one fsync. Waits (bounded memory) when more than {@value
   * #MAX_PENDING_BYTES} bytes are not yet written.
   */
  public CompletableFuture<Long> appendAsync(JournalEvent event) {
    return append(event, false);
  }

  /**
   * As {@link #appendAsync}, but nobody waits for this one: it is written with the next event that
   * is waited for, or after at most 10 ms. An execution's start, journaled just before the run, so
   * shares the fsync of its finish instead of delaying it by one fsync of its own.
   */
  public CompletableFuture<Long> appendDeferred(JournalEvent event) {
    return append(event, true);
  }

  private CompletableFuture<Long> append(JournalEvent event, boolean deferred) {
    // the JSON is made before the lock: appenders encode in parallel, and the writer never waits
    // for an encoding to take its batch; only the sequence number is written in under the lock
    Unnumbered unnumbered = unnumbered(event);
    lock.lock();
    try {
      while (pendingBytes > MAX_PENDING_BYTES && failure == null && !closed) {
        drained.awaitUninterruptibly();
      }
      failIfBroken();
      if (overBudget()) {
        throw full();
      }
      long sequence = nextSequence++;
      byte[] line = unnumbered.line(sequence);
      var done = new CompletableFuture<Long>();
      pending.add(new Pending(line, sequence, done));
      pendingBytes += line.length;
      if (!deferred || pendingBytes > MAX_PENDING_BYTES / 2) {
        urgent = true;
        work.signal();
      } else if (deferredSince < 0) {
        deferredSince = System.nanoTime();
        work.signal(); // an idle writer starts its 10 ms wait
      }
      return done;
    } finally {
      lock.unlock();
    }
  }

  private record Pending(byte[] line, long sequence, CompletableFuture<Long> done) {}

  private void failIfBroken() {
    if (closed) {
      throw new JournalException(ErrorCode.JOURNAL_IO, "the event journal is closed", null);
    }
    if (failure != null) {
      throw broken();
    }
  }

  /** Called under lock. */
  private JournalException broken() {
    return new JournalException(
        ErrorCode.JOURNAL_UNAVAILABLE,
        "the event journal cannot be written since "
            + failedSince
            + " ("
            + failure.getMessage()
            + "); work that must be billed is refused until a write "
            + "succeeds again, tried every "
            + TimeUnit.NANOSECONDS.toMillis(retryNanos)
            + " ms",
        failure);
  }

  /** Whether the segments kept fill the disk budget. Called under lock. */
  private boolean overBudget() {
    return closedBytes + durableSize + pendingBytes >= maxTotalSize;
  }

  /** Called under lock. */
  private JournalException full() {
    return new JournalException(
        ErrorCode.JOURNAL_FULL,
        "the event journal holds "
            + (closedBytes + durableSize)
            + " bytes of its "
            + maxTotalSize
            + " (events.journal.max-total-size), all within events.journal.retention; "
            + "work is refused rather than acknowledged events deleted",
        null);
  }

  /**
   * Why the journal takes no events now (a write error it is recovering from, or a full disk
   * budget), with the code a refusal should carry; empty while it writes.
   */
  public java.util.Optional<JournalException> unavailable() {
    lock.lock();
    try {
      if (closed) {
        return java.util.Optional.empty();
      }
      if (failure != null) {
        return java.util.Optional.of(broken());
      }
      if (!writer
          .isAlive()) { // cannot happen by design; if it does, say so rather than hang appends
        return java.util.Optional.of(
            new JournalException(
                ErrorCode.JOURNAL_UNAVAILABLE,
                "the event journal's writer has stopped; restart the daemon",
                null));
      }
      return overBudget() ? java.util.Optional.of(full()) : java.util.Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Holds every write until called again with false (tests: what waits for a flush, what does not).
   */
  void hold(boolean on) {
    lock.lock();
    try {
      held = on;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** How long the writer waits before trying a failed disk again (tests shorten it). */
  void retryEvery(Duration every) {
    this.retryNanos = every.toNanos();
  }

  private byte[] encode(JournalEvent event) {
    return unnumbered(event).line(event.sequence());
  }

  /** The event as its journal line says it (a CloudEvents 1.0 JSON object), without the newline. */
  public String json(JournalEvent event) {
    byte[] line = encode(event);
    return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
  }

  private static final byte[] LINE_START =
      "{\"specversion\":\"1.0\",\"id\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SEQUENCE_FIELD =
      (",\"" + SEQUENCE + "\":").getBytes(StandardCharsets.UTF_8);
  private static final byte[] DATA_FIELD = ",\"data\":".getBytes(StandardCharsets.UTF_8);

  /**
   * An event's journal line but for its sequence number (which appears twice: as the CloudEvents
   * {@code id} and as {@value #SEQUENCE}), in the field order Jackson wrote the whole line in
   * before: specversion, id, source, type, time, subject, datacontenttype, sequence, data.
   *
   * @param attributes {@code "source":...,"datacontenttype":"application/json"}, JSON
   * @param data the data object, JSON
   */
  private record Unnumbered(byte[] attributes, byte[] data) {
    byte[] line(long sequence) {
      byte[] number = Long.toString(sequence).getBytes(StandardCharsets.US_ASCII);
      var out =
          new ByteArrayOutputStream(
              LINE_START.length + 2 * number.length + attributes.length + data.length + 32);
      out.writeBytes(LINE_START);
      out.writeBytes(number);
      out.write('"');
      out.write(',');
      out.writeBytes(attributes);
      out.writeBytes(SEQUENCE_FIELD);
      out.writeBytes(number);
      out.writeBytes(DATA_FIELD);
      out.writeBytes(data);
      out.write('}');
      out.write('\n');
      return out.toByteArray();
    }
  }

  private Unnumbered unnumbered(JournalEvent event) {
    ObjectNode node = JSON.createObjectNode();
    node.put("source", "/weverywhere/" + source);
    node.put("type", event.type());
    node.put("time", event.time().toString());
    if (event.subject() != null) {
      node.put("subject", event.subject());
    }
    node.put("datacontenttype", "application/json");
    try {
      // as strings: Jackson's byte generator escapes characters beyond the BMP that its string
      // writer, which wrote the journal's lines before, leaves as they are
      byte[] object = JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
      // the attributes without the object's braces, to go between the id and the sequence
      byte[] attributes = java.util.Arrays.copyOfRange(object, 1, object.length - 1);
      return new Unnumbered(
          attributes, JSON.writeValueAsString(event.data()).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeLoop() {
    while (true) {
      List<Pending> batch;
      lock.lock();
      try {
        while (!closed && (held || !urgent)) {
          if (held) {
            work.awaitUninterruptibly();
            continue;
          }
          if (pending.isEmpty()) {
            if (overBudget()) {
              // a full budget frees itself as the retention passes: look again now and then
              try {
                work.awaitNanos(retryNanos);
              } catch (InterruptedException e) {
                break;
              }
              reclaim();
            } else {
              work.awaitUninterruptibly();
            }
            continue;
          }
          long wait = deferredSince + DEFER_NANOS - System.nanoTime();
          if (wait <= 0) {
            break;
          }
          try {
            work.awaitNanos(wait);
          } catch (InterruptedException e) {
            break; // nobody interrupts the writer; if someone does, write what is pending now
          }
        }
        if (pending.isEmpty()) {
          if (closed) {
            return;
          }
          continue;
        }
        batch = pending;
        pending = new ArrayList<>();
        urgent = false;
        deferredSince = -1;
      } finally {
        lock.unlock();
      }
      long written = 0;
      IOException failed = null;
      try {
        written = write(batch);
      } catch (IOException e) {
        failed = e;
      } catch (RuntimeException e) { // whatever a write does, the writer lives on and recovers
        failed = new IOException(e.toString(), e);
      }
      List<Pending> stranded = List.of();
      lock.lock();
      try {
        if (failed != null) {
          failure = failed;
          failedSince = Instant.now();
          // Nothing written from here on was acknowledged: the waiting appends fail, and their
          // sequence numbers are given again, so the journal never has a gap.
          stranded = pending;
          pending = new ArrayList<>();
          urgent = false;
          deferredSince = -1;
          nextSequence = durableSequence + 1;
        } else {
          durableSize += written;
          durableSequence = batch.getLast().sequence();
        }
        pendingBytes = 0;
        for (Pending p : pending) {
          pendingBytes += p.line().length;
        }
        drained.signalAll();
        committed.signalAll();
      } finally {
        lock.unlock();
      }
      if (failed == null) {
        batch.forEach(p -> p.done().complete(p.sequence()));
        continue;
      }
      JournalException refusal =
          new JournalException(
              ErrorCode.JOURNAL_UNAVAILABLE,
              "the event journal cannot be written: " + failed.getMessage(),
              failed);
      batch.forEach(p -> p.done().completeExceptionally(refusal));
      stranded.forEach(p -> p.done().completeExceptionally(refusal));
      if (!recover(failed)) {
        return; // closed while the disk was failing
      }
    }
  }

  /**
   * After a write error: waits, cuts what the failed write may have left after the last durable
   * byte, and writes a {@code journal.recovered} event; once that is on disk the journal takes
   * appends again. Returns false if the journal was closed first.
   */
  private boolean recover(IOException first) {
    while (true) {
      Pending marker;
      lock.lock();
      try {
        long until = System.nanoTime() + retryNanos;
        while (!closed) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            work.awaitNanos(left);
          } catch (InterruptedException e) {
            break;
          }
        }
        if (closed) {
          return false;
        }
        long sequence = nextSequence; // appends are refused meanwhile: nobody else takes it
        marker =
            new Pending(
                encode(
                    JournalEvent.unsequenced(
                            "org.weverywhere.journal.recovered",
                            null,
                            JSON.createObjectNode()
                                .put("failedSince", failedSince.toString())
                                .put("error", String.valueOf(first.getMessage())))
                        .withSequence(sequence)),
                sequence,
                new CompletableFuture<>());
      } finally {
        lock.unlock();
      }
      long written;
      try {
        cutToDurable();
        written = write(List.of(marker));
      } catch (IOException | RuntimeException stillFailing) {
        continue;
      }
      lock.lock();
      try {
        durableSize += written;
        durableSequence = marker.sequence();
        nextSequence = marker.sequence() + 1;
        failure = null;
        failedSince = null;
        committed.signalAll();
        drained.signalAll();
      } finally {
        lock.unlock();
      }
      return true;
    }
  }

  /** Removes bytes a failed write left after the last durable event of the active segment. */
  private void cutToDurable() throws IOException {
    if (active != null && active.size() > durableSize) {
      active.truncate(durableSize);
      active.force(true);
    }
  }

  /**
   * Deletes what the retention lets go of, and counts the closed segments again. Called under lock.
   */
  private void reclaim() {
    try {
      expire();
      closedBytes = closedSize();
    } catch (IOException e) {
      // the budget is looked at again on the next pass; a failing disk shows in the writes
    }
  }

  /**
   * Writes one batch to the active segment (rotating first if it is full) and forces it to disk.
   */
  private long write(List<Pending> batch) throws IOException {
    if (active == null || durableSize >= maxSegmentSize) {
      rotate(batch.getFirst().sequence());
    }
    // one gathering write of the lines as they are, not copied into one buffer first
    ByteBuffer[] lines = new ByteBuffer[batch.size()];
    long bytes = 0;
    for (int i = 0; i < lines.length; i++) {
      lines[i] = ByteBuffer.wrap(batch.get(i).line());
      bytes += lines[i].remaining();
    }
    long written = 0;
    while (written < bytes) {
      written += active.write(lines);
    }
    active.force(false);
    return bytes;
  }

  private void rotate(long firstSequence) throws IOException {
    Path file = dir.resolve(String.format("events-%020d.jsonl", firstSequence));
    lock.lock();
    try {
      if (!segments.containsKey(firstSequence)) {
        // left by a rotation that failed half way (a full disk): it holds no acknowledged event
        Files.deleteIfExists(file);
      }
    } finally {
      lock.unlock();
    }
    if (Files.exists(file)) {
      // the active segment itself, emptied by a failed write being cut off: go on writing it
      return;
    }
    FileChannel next =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    forceDirectory();
    lock.lock();
    try {
      if (active != null) {
        active.close();
        closedBytes += durableSize;
      }
      active = next;
      durableSize = 0;
      segments.put(firstSequence, file);
      expire();
      closedBytes = closedSize();
    } finally {
      lock.unlock();
    }
  }

  /** A new file's name must survive a crash too, or the events in it would be lost with it. */
  private void forceDirectory() throws IOException {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }

  /** Deletes closed segments whose last event is older than the retention. Called under lock. */
  private void expire() throws IOException {
    Instant cutoff = Instant.now().minus(retention);
    var closedSegments =
        new ArrayList<>(segments.headMap(segments.isEmpty() ? 0 : segments.lastKey()).entrySet());
    for (Map.Entry<Long, Path> segment : closedSegments) {
      if (Files.getLastModifiedTime(segment.getValue()).toInstant().isBefore(cutoff)) {
        Files.deleteIfExists(segment.getValue());
        segments.remove(segment.getKey());
      }
    }
  }

  /** The sequence number the next event will get. */
  public long nextSequence() {
    lock.lock();
    try {
      return nextSequence;
    } finally {
      lock.unlock();
    }
  }

  /** The sequence number of the oldest event still kept (the next one when none is). */
  public long earliestSequence() {
    lock.lock();
    try {
      return segments.isEmpty() ? nextSequence : segments.firstKey();
    } finally {
      lock.unlock();
    }
  }

  /** A reader of every event from {@code fromSequence} on, which waits for new ones at the end. */
  public JournalReader read(long fromSequence) {
    lock.lock();
    try {
      long earliest = segments.isEmpty() ? nextSequence : segments.firstKey();
      if (fromSequence < earliest) {
        throw new JournalException(
            ErrorCode.JOURNAL_BEHIND,
            "events before "
                + earliest
                + " are no longer kept (events.journal.retention); resume from "
                + earliest,
            null);
      }
      return new JournalReader(this, Math.max(1, fromSequence));
    } finally {
      lock.unlock();
    }
  }

  // ---- what JournalReader needs, under the journal's lock ----

  /**
   * The segment holding {@code sequence}, and how far it may be read; null when not yet written.
   */
  record Readable(Path file, long firstSequence, long limit, boolean newest) {}

  Readable segmentFor(long sequence) throws IOException {
    lock.lock();
    try {
      var entry = segments.floorEntry(sequence);
      if (entry == null || sequence > durableSequence) {
        return null;
      }
      boolean newest = entry.getKey() == segments.lastKey();
      long limit = newest ? durableSize : Files.size(entry.getValue());
      return new Readable(entry.getValue(), entry.getKey(), limit, newest);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until events after {@code sequence} are durable, or the timeout passes. */
  boolean awaitBeyond(long sequence, Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (durableSequence <= sequence && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        committed.await(left, TimeUnit.NANOSECONDS);
      }
      return durableSequence > sequence;
    } finally {
      lock.unlock();
    }
  }

  static JournalEvent parse(byte[] line, int length) throws IOException {
    JsonNode node = JSON.readTree(line, 0, length);
    return new JournalEvent(
        node.path(SEQUENCE).asLong(),
        node.path("type").asText(),
        Instant.parse(node.path("time").asText()),
        node.hasNonNull("subject") ? node.path("subject").asText() : null,
        (ObjectNode) node.path("data"));
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signalAll();
      committed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      writer.join(Duration.ofSeconds(10));
      if (active != null) {
        active.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new JournalException(
          ErrorCode.JOURNAL_IO, "cannot close the event journal: " + e.getMessage(), e);
    }
  }
}
