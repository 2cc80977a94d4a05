package org.weverywhere.daemon.endpoint;

/**
 * When one UDP request passed each stage of the daemon's request path, reported as a JFR event
 * ({@code org.weverywhere.UdpRequest}) when a recording asks for it: how long it waited for a
 * verifying thread, was verified, waited for a worker, was handled (authorise, admit, execute, the
 * event queued for the journal), had its reply signed or sealed, waited for the journal's fsync,
 * and was sent. The CPU profile of a request path (JFR execution samples) cannot show the waits
 * between threads; this does (docs/PERFORMANCE.md, issue 16). With no recording it costs a few
 * clock reads per request.
 */
final class UdpRequestTimeline {
  private final long received;
  private long taken;
  private long verified;
  private long working;
  private long handled;
  private long signed;
  private long recorded;

  private UdpRequestTimeline(long received) {
    this.received = received;
  }

  /** Starts the timeline of a datagram read at {@code received} ({@link System#nanoTime()}). */
  static UdpRequestTimeline receivedAt(long received) {
    return new UdpRequestTimeline(received);
  }

  void taken() {
    taken = System.nanoTime();
  }

  void verified() {
    verified = System.nanoTime();
  }

  void working() {
    working = System.nanoTime();
  }

  void handled() {
    handled = System.nanoTime();
  }

  void signed() {
    signed = System.nanoTime();
  }

  void recorded() {
    recorded = System.nanoTime();
  }

  /** The reply left now: commits the event if a recording wants it. */
  void sent(String type, boolean sealed) {
    Event event = new Event();
    if (!event.shouldCommit()) {
      return;
    }
    long now = System.nanoTime();
    event.type = type;
    event.sealed = sealed;
    event.queued = taken - received;
    event.verify = verified - taken;
    event.handOff = working - verified;
    event.handle = handled - working;
    event.sign = signed - handled;
    event.journalWait = recorded - signed;
    event.send = now - recorded;
    event.total = now - received;
    event.commit();
  }

  /** The JFR event; every span in nanoseconds. */
  @jdk.jfr.Name("org.weverywhere.UdpRequest")
  @jdk.jfr.Label("UDP request")
  @jdk.jfr.Category("WEverywhere")
  @jdk.jfr.StackTrace(false)
  @jdk.jfr.Enabled(false)
  static final class Event extends jdk.jfr.Event {
    @jdk.jfr.Label("Message type")
    String type;

    @jdk.jfr.Label("Sealed in a session")
    boolean sealed;

    @jdk.jfr.Label("Waiting for a verifying thread (ns)")
    long queued;

    @jdk.jfr.Label("Verifying or opening (ns)")
    long verify;

    @jdk.jfr.Label("Waiting for a worker thread (ns)")
    long handOff;

    @jdk.jfr.Label("Handling: authorise, admit, execute, journal queued (ns)")
    long handle;

    @jdk.jfr.Label("Signing or sealing the reply (ns)")
    long sign;

    @jdk.jfr.Label("Waiting for the journal's fsync (ns)")
    long journalWait;

    @jdk.jfr.Label("Sending (ns)")
    long send;

    @jdk.jfr.Label("Received to sent (ns)")
    long total;
  }
}
