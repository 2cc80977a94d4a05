package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.weverywhere.net.AnswerSpread;

/**
 * The CLI's default wait for answers must cover the daemons' longest answer spread (PROTOCOL.md
 * §6).
 */
class DiscoveryWindowTest {
  @Test
  void peersWaitsForTheWholeSpreadByDefault() {
    var peers = Main.commandLine().getSubcommands().get("peers").getCommandSpec();
    // the default is written with its unit, as every duration the CLI takes
    var wait =
        org.weverywhere.config.DurationFormat.parse(peers.findOption("--timeout").defaultValue());
    assertEquals(AnswerSpread.CLIENT_WINDOW, wait);
  }
}
