package org.weverywhere.control;

import java.io.IOException;

/**
 * What the control socket carries: request frames in, reply frames out. The socket authenticates
 * and frames; the service decodes, applies and answers, with one reply frame per request, or with a
 * stream of them (following the event journal) until the peer goes away.
 */
public interface ControlService {
  /** Answers one request from an authorised peer by sending frames to {@code replies}. */
  void handle(PeerCredentials peer, byte[] request, Replies replies) throws IOException;

  /** The frame that tells a refused peer why, before the connection is closed. */
  byte[] refusal(String reason);

  /** The frame that tells a peer its framing was broken, before the connection is closed. */
  byte[] badFrame(String reason);

  /** Where reply frames go; sending fails once the peer has closed the connection. */
  interface Replies {
    void send(byte[] frame) throws IOException;
  }
}
