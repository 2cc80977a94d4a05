package org.weverywhere.daemon.endpoint;

import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.weverywhere.ErrorCode;
import org.weverywhere.protocol.Message;

/**
 * A host's description cut into pages. Libraries go in the order of their SHA-256 (unique in a
 * content-addressed store, and fixed-length), and a page's {@code next} is the hash of its last
 * library in hex: the next page starts after it. So a library published or removed between two
 * pages neither shifts nor repeats the others, and any cursor a client sends, even a hostile one,
 * is just a string to compare with.
 */
final class DescriptionPages {
  /** Libraries per page over HTTP, well inside the 4,096 entries an HTTP array may hold. */
  static final int HTTP_PAGE = 1_000;

  /** Libraries per page offered to UDP before fitting: a datagram's arrays hold at most 256. */
  static final int UDP_PAGE = 256;

  private DescriptionPages() {}

  static String cursorOf(Message.Library library) {
    return HexFormat.of().formatHex(library.sha256());
  }

  /** The libraries after {@code cursor} (all of them without one), in page order. */
  static List<Message.Library> after(List<Message.Library> libraries, Optional<String> cursor) {
    return libraries.stream()
        .sorted(Comparator.comparing(DescriptionPages::cursorOf))
        .filter(l -> cursor.isEmpty() || cursorOf(l).compareTo(cursor.get()) > 0)
        .toList();
  }

  /** One page of at most {@code max} of {@code remaining}, with {@code next} when more remain. */
  static Message.Description page(
      Map<String, Long> host,
      List<Message.Library> remaining,
      List<Message.Service> services,
      int max) {
    if (remaining.size() <= max) {
      return new Message.Description(host, remaining, services);
    }
    List<Message.Library> page = remaining.subList(0, max);
    return new Message.Description(host, page, services, Optional.of(cursorOf(page.getLast())));
  }

  /**
   * The fullest prefix of {@code whole} whose signed reply is at most {@code limit} bytes ({@code
   * size} measures one), its {@code next} pointing after the last library kept. When not even one
   * library fits beside what a page must carry, an {@code error} {@code WE5003} tells the client to
   * ask over HTTP rather than leaving it without an answer.
   *
   * @param cursor the request's cursor: where the page started
   */
  static Message fit(
      Message.Description whole,
      Optional<String> cursor,
      int limit,
      ToIntFunction<Message> size,
      int httpPort) {
    if (size.applyAsInt(whole) <= limit) {
      return whole;
    }
    // as many libraries as fit without their typed functions (the text exports say the same to
    // people), with the functions too when those libraries still fit with them (docs/PROTOCOL.md
    // §4)
    Message.Description untyped =
        new Message.Description(
            whole.host(),
            whole.libraries().stream()
                .map(
                    l ->
                        new Message.Library(
                            l.name(), l.version(), l.sha256(), l.size(), l.exports()))
                .toList(),
            whole.services(),
            whole.next());
    Message page =
        size.applyAsInt(untyped) <= limit
            ? untyped
            : fitted(untyped, cursor, limit, size, httpPort);
    if (page instanceof Message.Description fitted) {
      int count = fitted.libraries().size();
      Message.Description typed =
          new Message.Description(
              fitted.host(), whole.libraries().subList(0, count), fitted.services(), fitted.next());
      if (size.applyAsInt(typed) <= limit) {
        return typed;
      }
    }
    return page;
  }

  private static Message fitted(
      Message.Description whole,
      Optional<String> cursor,
      int limit,
      ToIntFunction<Message> size,
      int httpPort) {
    List<Message.Library> libraries = whole.libraries();
    int fits = -1; // the largest count that fits, found by bisection: sizes grow with the count
    int low = 0;
    int high = libraries.size() - 1; // the whole did not fit
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (size.applyAsInt(prefix(whole, mid, cursor)) <= limit) {
        fits = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    boolean carriesMore = !whole.host().isEmpty() || !whole.services().isEmpty();
    if (fits > 0 || fits == 0 && carriesMore) {
      return prefix(whole, fits, cursor);
    }
    String what =
        libraries.isEmpty()
            ? "the host's facts and services"
            : "library '"
                + libraries.getFirst().name()
                + "' ("
                + cursorOf(libraries.getFirst()).substring(0, 12)
                + ")";
    return RequestHandler.error(
        ErrorCode.PROTOCOL_OVERSIZED,
        what
            + " cannot be described within "
            + limit
            + " bytes over UDP; describe over HTTP (port "
            + httpPort
            + ")",
        Optional.empty());
  }

  private static Message.Description prefix(
      Message.Description whole, int count, Optional<String> cursor) {
    List<Message.Library> kept = whole.libraries().subList(0, count);
    String next = count > 0 ? cursorOf(kept.getLast()) : cursor.orElse("");
    return new Message.Description(whole.host(), kept, whole.services(), Optional.of(next));
  }
}
