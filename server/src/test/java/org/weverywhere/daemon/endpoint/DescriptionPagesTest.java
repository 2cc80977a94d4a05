package org.weverywhere.daemon.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.weverywhere.protocol.Audience;
import org.weverywhere.protocol.Header;
import org.weverywhere.protocol.Message;
import org.weverywhere.protocol.MessageSigner;
import org.weverywhere.trust.Ed25519;

class DescriptionPagesTest {
  private static final MessageSigner HOST = new MessageSigner(Ed25519.generate());
  private static final Header REPLY =
      Header.fresh(Audience.ANY, Instant.parse("2026-01-01T00:00:00Z"));

  private static Message.Library library(int n, int exports) {
    byte[] sha = new byte[32];
    sha[0] = (byte) (255 - n); // hash order is the reverse of n, so that sorting is seen to happen
    return new Message.Library(
        "lib-" + n,
        "1.0.0",
        sha,
        1000 + n,
        IntStream.range(0, exports).mapToObj(i -> "f" + i + " (i32, i32) -> i32").toList());
  }

  private static int size(Message m) {
    return HOST.signedSize(REPLY, m);
  }

  @Test
  void librariesGoInHashOrderAndACursorResumesAfterIt() {
    List<Message.Library> all = IntStream.range(0, 5).mapToObj(n -> library(n, 1)).toList();
    List<Message.Library> ordered = DescriptionPages.after(all, Optional.empty());
    assertEquals(
        List.of("lib-4", "lib-3", "lib-2", "lib-1", "lib-0"),
        ordered.stream().map(Message.Library::name).toList());
    String cursor = DescriptionPages.cursorOf(ordered.get(1));
    assertEquals(
        List.of("lib-2", "lib-1", "lib-0"),
        DescriptionPages.after(all, Optional.of(cursor)).stream()
            .map(Message.Library::name)
            .toList());
    assertEquals(
        5, DescriptionPages.after(all, Optional.of("")).size(), "the empty cursor is the start");
    assertEquals(
        0,
        DescriptionPages.after(all, Optional.of("~hostile")).size(),
        "any string is only compared");
  }

  @Test
  void aPageThatFitsIsSentWhole() {
    var whole =
        DescriptionPages.page(
            Map.of(), List.of(library(1, 1)), List.of(), DescriptionPages.UDP_PAGE);
    assertEquals(
        whole,
        DescriptionPages.fit(whole, Optional.empty(), 1200, DescriptionPagesTest::size, 22341));
    assertTrue(whole.next().isEmpty());
  }

  @Test
  void aLongDescriptionIsCutToTheFullestPageThatFits() {
    List<Message.Library> all =
        DescriptionPages.after(
            IntStream.range(0, 40).mapToObj(n -> library(n, 2)).toList(), Optional.empty());
    var whole =
        DescriptionPages.page(Map.of("cores", 2L), all, List.of(), DescriptionPages.UDP_PAGE);
    var page =
        assertInstanceOf(
            Message.Description.class,
            DescriptionPages.fit(whole, Optional.empty(), 1200, DescriptionPagesTest::size, 22341));
    int kept = page.libraries().size();
    assertTrue(kept > 1 && kept < 40, kept + " kept");
    assertTrue(size(page) <= 1200);
    var oneMore =
        new Message.Description(
            page.host(),
            all.subList(0, kept + 1),
            List.of(),
            Optional.of(DescriptionPages.cursorOf(all.get(kept))));
    assertTrue(size(oneMore) > 1200, "the fullest page: one more library would not fit");
    assertEquals(Optional.of(DescriptionPages.cursorOf(all.get(kept - 1))), page.next());
    assertEquals(Map.of("cores", 2L), page.host());
  }

  @Test
  void aUdpPageHoldsAsManyLibrariesAsFitUntypedAndTheirFunctionsOnlyIfTheyStillFit() {
    Message.Library plain = library(1, 8);
    List<Message.Function> functions =
        IntStream.range(0, 8)
            .mapToObj(
                i ->
                    new Message.Function(
                        "f" + i, List.of("i32", "i32"), List.of("i32"), List.of("left", "right")))
            .toList();
    var typed =
        new Message.Library(
            plain.name(),
            plain.version(),
            plain.sha256(),
            plain.size(),
            plain.exports(),
            functions);
    var whole = new Message.Description(Map.of(), List.of(typed), List.of());
    int limit = size(new Message.Description(Map.of(), List.of(plain), List.of())) + 8;
    assertTrue(size(whole) > limit, "the typed library alone is over the limit");
    var page =
        assertInstanceOf(
            Message.Description.class,
            DescriptionPages.fit(
                whole, Optional.empty(), limit, DescriptionPagesTest::size, 22341));
    assertEquals(
        List.of(plain.exports()), page.libraries().stream().map(Message.Library::exports).toList());
    assertEquals(
        List.of(), page.libraries().getFirst().functions(), "functions left out, exports kept");
    // and one that fits with them keeps them
    var roomy =
        assertInstanceOf(
            Message.Description.class,
            DescriptionPages.fit(whole, Optional.empty(), 1200, DescriptionPagesTest::size, 22341));
    assertEquals(functions, roomy.libraries().getFirst().functions());
  }

  @Test
  void theFirstPageMayCarryOnlyTheHostFactsAndTheNextStartsAtTheBeginning() {
    var whole =
        new Message.Description(
            Map.of("cores", 2L, "ram-bytes", 1L << 34), List.of(library(1, 30)), List.of());
    var page =
        assertInstanceOf(
            Message.Description.class,
            DescriptionPages.fit(whole, Optional.empty(), 400, DescriptionPagesTest::size, 22341));
    assertEquals(0, page.libraries().size());
    assertEquals(Optional.of(""), page.next());
  }

  @Test
  void aLibraryTooLargeForAnyDatagramIsAnErrorPointingToHttp() {
    var whole = new Message.Description(Map.of(), List.of(library(7, 60)), List.of());
    var error =
        assertInstanceOf(
            Message.ErrorReply.class,
            DescriptionPages.fit(
                whole, Optional.of("ff"), 1200, DescriptionPagesTest::size, 22351));
    assertEquals("WE5003", error.code());
    assertTrue(
        error.message().contains("library 'lib-7'")
            && error.message().contains("HTTP (port 22351)"),
        error.message());
  }

  @Test
  void overHttpPagesHoldAThousandLibraries() {
    List<Message.Library> all =
        IntStream.range(0, 1001)
            .mapToObj(n -> new Message.Library("l" + n, "", new byte[32], 1, List.of()))
            .toList();
    var page = DescriptionPages.page(Map.of(), all, List.of(), DescriptionPages.HTTP_PAGE);
    assertEquals(1000, page.libraries().size());
    assertEquals(Optional.of(DescriptionPages.cursorOf(all.get(999))), page.next());
  }
}
