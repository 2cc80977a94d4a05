package org.weverywhere.protocol;

/**
 * How large and how deep a decoded message may be. A datagram can never exceed {@link
 * #UDP_DATAGRAM_BYTES}; the HTTP bulk channel allows {@code maxMessageBytes} (modules travel
 * there).
 *
 * @param maxMessageBytes the whole COSE_Sign1 envelope
 * @param maxDepth nesting of arrays and maps inside the payload, the payload map itself being 1
 * @param maxItems entries of one array or map
 * @param maxTextBytes one text string, in UTF-8 bytes
 */
public record WireLimits(int maxMessageBytes, int maxDepth, int maxItems, int maxTextBytes) {
  /** The largest datagram sent or accepted: fits an IPv6 minimum MTU (1280) with headers. */
  public static final int UDP_DATAGRAM_BYTES = 1200;

  /** What a datagram may carry. */
  public static final WireLimits UDP = new WireLimits(UDP_DATAGRAM_BYTES, 8, 256, 1024);

  /** What an HTTP bulk body may carry by default: a module of up to 64 MiB and its envelope. */
  public static final WireLimits HTTP =
      new WireLimits(64 * 1024 * 1024 + 64 * 1024, 8, 4096, 64 * 1024);

  /** A UDP reply to a sender not yet verified is at most this many times its request's size. */
  public static final int AMPLIFICATION_FACTOR = 3;

  /**
   * The largest UDP reply allowed to a request of {@code requestBytes}: UDP source addresses can be
   * forged, so a reply must never turn a small datagram into a large one aimed at someone else.
   */
  public static int maxUdpReply(int requestBytes) {
    return (int) Math.min(UDP_DATAGRAM_BYTES, (long) AMPLIFICATION_FACTOR * requestBytes);
  }

  public WireLimits {
    if (maxMessageBytes < 1 || maxDepth < 1 || maxItems < 1 || maxTextBytes < 1) {
      throw new IllegalArgumentException("wire limits must be positive");
    }
  }
}
