package org.weverywhere.exec.host;

import java.io.ByteArrayOutputStream;
import java.util.OptionalInt;

/** What the host functions of one execution share: captured output, its cap, and the exit code. */
public final class GuestState {
  private final long outputMax;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Runnable onOutputCapped;
  private long outputBytes;
  private int truncatedFd = -1;
  private Integer exitCode;
  private String fault;

  /**
   * @param onOutputCapped called once when a stream reaches the cap (asks to stop the guest)
   */
  public GuestState(long outputMax, Runnable onOutputCapped) {
    this.outputMax = outputMax;
    this.onOutputCapped = onOutputCapped;
  }

  /** Captures up to the cap; past it, records the truncation and ends the guest. */
  public synchronized void write(int fd, byte[] bytes) {
    outputBytes += bytes.length;
    ByteArrayOutputStream stream = fd == 1 ? stdout : stderr;
    long room = outputMax - stream.size();
    if (bytes.length <= room) {
      stream.writeBytes(bytes);
      return;
    }
    stream.write(bytes, 0, (int) Math.max(0, room));
    truncatedFd = fd == 1 ? 1 : 2;
    onOutputCapped.run();
    throw new Termination("output cap of " + outputMax + " bytes reached");
  }

  /** Remembers a host function's failure (engines may hand back only a message), then throws it. */
  public synchronized HostFault fault(HostFault failure) {
    if (fault == null) {
      fault = failure.getMessage();
    }
    throw failure;
  }

  public synchronized java.util.Optional<String> fault() {
    return java.util.Optional.ofNullable(fault);
  }

  public synchronized void exit(int code) {
    exitCode = code;
    throw new Termination("exit " + code);
  }

  public synchronized OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /**
   * Hands over what was captured so far and starts capturing afresh: a kept instance's output
   * belongs to the call that wrote it, and the cap applies per call.
   */
  public synchronized byte[][] drain() {
    byte[][] captured = {stdout.toByteArray(), stderr.toByteArray()};
    stdout.reset();
    stderr.reset();
    return captured;
  }

  /** The stream (1 stdout, 2 stderr) cut at the cap, or -1. */
  public synchronized int truncatedFd() {
    return truncatedFd;
  }

  public synchronized long outputBytes() {
    return outputBytes;
  }

  public synchronized byte[] stdout() {
    return stdout.toByteArray();
  }

  public synchronized byte[] stderr() {
    return stderr.toByteArray();
  }
}
