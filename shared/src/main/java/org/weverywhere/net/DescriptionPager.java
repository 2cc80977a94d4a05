package org.weverywhere.net;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.ProtocolException;
import org.weverywhere.protocol.ProtocolException.Reason;

/**
 * Reads a whole description page by page, over either transport: asks with {@code cursor} = the
 * {@code next} of the page before until a page has none. Bounded: a daemon that sends a cursor
 * twice, or more than {@link #MAX_PAGES} pages, is refused rather than followed forever.
 */
public final class DescriptionPager {
  /** 10,000 pages: at least 10,000 libraries over UDP, 10 million over HTTP. */
  public static final int MAX_PAGES = 10_000;

  private DescriptionPager() {}

  /**
   * Every page of the description, merged: host facts and services from the first page, the
   * libraries of all, by name, version, then hash (the order a store lists them in).
   *
   * @param ask sends one describe with the cursor given and returns its verified description (or
   *     throws)
   */
  public static Message.Description collect(Function<Optional<String>, Message.Description> ask) {
    Message.Description first = ask.apply(Optional.empty());
    List<Message.Library> libraries = new ArrayList<>(first.libraries());
    Set<String> cursors = new HashSet<>();
    Optional<String> next = first.next();
    for (int pages = 1; next.isPresent(); pages++) {
      if (pages >= MAX_PAGES || !cursors.add(next.get())) {
        throw new ProtocolException(
            Reason.REFUSED,
            "the description does not end: "
                + (pages >= MAX_PAGES
                    ? "more than " + MAX_PAGES + " pages"
                    : "cursor '" + next.get() + "' came twice"));
      }
      Message.Description page = ask.apply(next);
      libraries.addAll(page.libraries());
      next = page.next();
    }
    libraries.sort(
        Comparator.comparing(Message.Library::name)
            .thenComparing(Message.Library::version)
            .thenComparing(l -> HexFormat.of().formatHex(l.sha256())));
    return new Message.Description(first.host(), libraries, first.services());
  }
}
