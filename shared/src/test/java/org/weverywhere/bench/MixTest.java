package org.weverywhere.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.weverywhere.ErrorCode;
import org.weverywhere.WeverywhereException;

class MixTest {
  @Test
  void parsesKindsWeightsAndArguments() {
    Mix mix = Mix.parse("execute:math.add:2:40=8, describe=1,discover");
    assertEquals(
        List.of(
            new Mix.Execute("math", "add", List.of("2", "40"), 8),
            new Mix.Describe(1),
            new Mix.Discover(1)),
        mix.entries());
    assertEquals("execute:math.add:2:40=8,describe=1,discover=1", mix.text());
  }

  @Test
  void theLastDotSeparatesLibraryFromFunction() {
    assertEquals(
        new Mix.Execute("my.lib", "run", List.of(), 1),
        Mix.parse("execute:my.lib.run").entries().getFirst());
  }

  @Test
  void theOrderSpreadsEachEntryByItsWeight() {
    Mix mix = Mix.parse("execute:math.add=3,describe=1");
    int[] order = mix.order();
    assertEquals(4, order.length);
    assertEquals(3, java.util.Arrays.stream(order).filter(i -> i == 0).count());
    // the describe is not bunched with another: a short run already sends the mix
    Mix even = Mix.parse("describe=2,discover=2");
    assertArrayEquals(new int[] {0, 1, 0, 1}, even.order());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "ping",
        "execute",
        "execute:",
        "execute:add",
        "execute:math.",
        "execute:.add",
        "execute:ma th.add",
        "describe=0",
        "describe=-1",
        "describe=1001",
        "describe=x",
        "describe=",
        "describe,,discover",
        "discover=99999999999999999999"
      })
  void badMixesAreOneLineWithTheirCode(String text) {
    WeverywhereException bad = assertThrows(WeverywhereException.class, () -> Mix.parse(text));
    assertEquals(ErrorCode.BENCH_BAD_ARGUMENT, bad.code());
    assertTrue(bad.getMessage().contains("--mix"), bad.getMessage());
    assertTrue(!bad.getMessage().contains("\n"), bad.getMessage());
  }

  @Test
  void aHugeMixIsRefusedWithoutBeingParsed() {
    String huge = "describe,".repeat(1_000);
    assertEquals(
        ErrorCode.BENCH_BAD_ARGUMENT,
        assertThrows(WeverywhereException.class, () -> Mix.parse(huge)).code());
    String many = "describe,".repeat(40) + "describe";
    assertTrue(
        assertThrows(WeverywhereException.class, () -> Mix.parse(many))
            .getMessage()
            .contains("more than 32 entries"));
  }
}
