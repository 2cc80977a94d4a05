package org.weverywhere.control;

/**
 * What the control socket carries: one request frame in, one reply frame out. The socket
 * authenticates and frames; the service decodes, applies and answers.
 */
public interface ControlService {
  /** The reply to one request from an authorised peer. */
  byte[] handle(Peer peer, byte[] request);

  /** The frame that tells a refused peer why, before the connection is closed. */
  byte[] refusal(String reason);

  /** The frame that tells a peer its framing was broken, before the connection is closed. */
  byte[] badFrame(String reason);
}
