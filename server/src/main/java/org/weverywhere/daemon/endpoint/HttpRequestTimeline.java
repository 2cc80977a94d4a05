package org.weverywhere.daemon.endpoint;

/**
 * When one request on the HTTP bulk channel passed each stage of the daemon's request path,
 * reported as a JFR event ({@code org.weverywhere.HttpRequest}) when a recording asks for it: the
 * body read (after its source's rate and the unverified-body budget), verified or opened, handled
 * (authorise, admit, execute, the event queued for the journal), the reply signed or sealed, the
 * wait for the journal's fsync, and the reply handed to the server's response stream. The HTTP twin
 * of {@link UdpRequestTimeline}; what the server does before calling the resource and after it
 * returns is outside it, which is why docs/PERFORMANCE.md measures a trivial endpoint beside it.
 * With no recording it costs a few clock reads per request.
 */
final class HttpRequestTimeline {
  /** For exchanges nobody times (tests that drive {@link BulkExchange} directly). */
  static final HttpRequestTimeline NONE = new HttpRequestTimeline(0, false);

  private final long entered;
  private final boolean timed;
  private long read;
  private long verified;
  private long handled;
  private long signed;
  private long recorded;
  private String type;
  private boolean sealed;

  private HttpRequestTimeline(long entered, boolean timed) {
    this.entered = entered;
    this.timed = timed;
  }

  /**
   * Starts the timeline of a request whose resource method was entered at {@code entered} ({@link
   * System#nanoTime()}).
   */
  static HttpRequestTimeline enteredAt(long entered) {
    return new HttpRequestTimeline(entered, true);
  }

  void read() {
    if (timed) {
      read = System.nanoTime();
    }
  }

  /** The request verified (or opened) now is a {@code type}, sealed in a session or not. */
  void verified(String type, boolean sealed) {
    if (timed) {
      verified = System.nanoTime();
      this.type = type;
      this.sealed = sealed;
    }
  }

  void handled() {
    if (timed) {
      handled = System.nanoTime();
    }
  }

  void signed() {
    if (timed) {
      signed = System.nanoTime();
    }
  }

  void recorded() {
    if (timed) {
      recorded = System.nanoTime();
    }
  }

  /**
   * The reply was handed to the response stream now: commits the event if a recording wants it and
   * the request got as far as a signed reply (refusals of unverified bodies are not timed).
   */
  void written() {
    if (!timed || recorded == 0) {
      return;
    }
    Event event = new Event();
    if (!event.shouldCommit()) {
      return;
    }
    long now = System.nanoTime();
    event.type = type;
    event.sealed = sealed;
    event.read = read - entered;
    event.verify = verified - read;
    event.handle = handled - verified;
    event.sign = signed - handled;
    event.journalWait = recorded - signed;
    event.write = now - recorded;
    event.total = now - entered;
    event.commit();
  }

  /** The JFR event; every span in nanoseconds. */
  @jdk.jfr.Name("org.weverywhere.HttpRequest")
  @jdk.jfr.Label("HTTP bulk request")
  @jdk.jfr.Category("WEverywhere")
  @jdk.jfr.StackTrace(false)
  @jdk.jfr.Enabled(false)
  static final class Event extends jdk.jfr.Event {
    @jdk.jfr.Label("Message type")
    String type;

    @jdk.jfr.Label("Sealed in a session")
    boolean sealed;

    @jdk.jfr.Label("Admitting and reading the body (ns)")
    long read;

    @jdk.jfr.Label("Verifying or opening (ns)")
    long verify;

    @jdk.jfr.Label("Handling: authorise, admit, execute, journal queued (ns)")
    long handle;

    @jdk.jfr.Label("Signing or sealing the reply (ns)")
    long sign;

    @jdk.jfr.Label("Waiting for the journal's fsync (ns)")
    long journalWait;

    @jdk.jfr.Label("Writing the reply to the response stream (ns)")
    long write;

    @jdk.jfr.Label("Resource entered to reply written (ns)")
    long total;
  }
}
