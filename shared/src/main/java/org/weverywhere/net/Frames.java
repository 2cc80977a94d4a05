package org.weverywhere.net;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The control socket's framing: a 4-byte big-endian length, then that many bytes of message. A
 * length over the limit is refused before anything is allocated. The daemon and the CLI both use
 * it.
 */
public final class Frames {
  /**
   * Largest control message: one that publishes a module as large as the HTTP bulk channel takes.
   * Only a peer the socket has already authorised gets to send one.
   */
  public static final int MAX_FRAME = org.weverywhere.protocol.WireLimits.HTTP.maxMessageBytes();

  private Frames() {}

  /** The next frame, or empty when the peer closed the connection cleanly between frames. */
  public static Optional<byte[]> read(InputStream in) throws IOException {
    var data = new DataInputStream(in);
    int first = data.read();
    if (first < 0) {
      return Optional.empty();
    }
    int length;
    try {
      length = (first << 24) | (data.readUnsignedByte() << 16) | (data.readUnsignedShort());
    } catch (EOFException e) {
      throw new FrameException("connection closed inside a frame header");
    }
    if (length < 0 || length > MAX_FRAME) {
      throw new FrameException(
          "frame of "
              + Integer.toUnsignedString(length)
              + " bytes is over the "
              + MAX_FRAME
              + "-byte limit");
    }
    byte[] frame = new byte[length];
    try {
      data.readFully(frame);
    } catch (EOFException e) {
      throw new FrameException("connection closed inside a frame of " + length + " bytes");
    }
    return Optional.of(frame);
  }

  public static void write(OutputStream out, byte[] frame) throws IOException {
    if (frame.length > MAX_FRAME) {
      throw new FrameException(
          "frame of " + frame.length + " bytes is over the " + MAX_FRAME + "-byte limit");
    }
    int n = frame.length;
    out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    out.write(frame);
    out.flush();
  }

  /** A frame that breaks the framing rules; the connection cannot continue after it. */
  public static final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    FrameException(String message) {
      super(message);
    }
  }
}
