package org.weverywhere.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code bench} refuses before it loads anything: one line each, with its code, exit status 1.
 * No daemon is reached (port 9, discard, on loopback). The real run against the daemon's beans is
 * server's BenchAgainstDaemonTest.
 */
class BenchCommandTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--mix ping | unknown --mix entry 'ping'",
        "--mix execute:math | name LIBRARY.FUNCTION after execute:",
        "--mix describe=0 | weight must be 1..1000, not 0",
        "-c 0 | --concurrency must be 1..10000, not 0",
        "-c -3 | --concurrency must be 1..10000, not -3",
        "-c 10001 | --concurrency must be 1..10000, not 10001",
        "-n 0 | --requests must be 1..1000000000, not 0",
        "-n -5 | --requests must be 1..1000000000, not -5",
        "-d 0 | --duration must be more than 0 and at most 1d, not 0 ms",
        "--threads 0 | --threads must be at least 1, not 0",
        "-c 2 --threads 3 | --threads must be at most --concurrency (2), not 3",
        "--transport tcp | --transport must be udp or http, not 'tcp'"
      })
  void badInputIsOneLineWithItsCode(String options, String expected) {
    String[] words = options.strip().split(" ");
    String[] args = new String[words.length + 5];
    args[0] = "bench";
    args[1] = "--peer";
    args[2] = "127.0.0.1:9";
    args[3] = "--timeout";
    args[4] = "0.2";
    System.arraycopy(words, 0, args, 5, words.length);
    CliRun run = CliRun.of(args);
    assertEquals(1, run.status(), run.toString());
    assertTrue(run.err().startsWith("weverywhere: ") && run.err().contains(expected), run.err());
    assertTrue(run.err().endsWith(" [WE1020]\n"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertEquals("", run.out());
  }

  @Test
  void anUnreachablePeerIsOneLineAfterTheTimeout() {
    long start = System.nanoTime();
    CliRun run = CliRun.of("bench", "--peer", "127.0.0.1:9", "--timeout", "0.3", "-d", "1s");
    assertEquals(1, run.status(), run.toString());
    assertTrue(run.err().startsWith("weverywhere: "), run.err());
    assertTrue(run.err().endsWith(" [WE5024]\n"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "gave up in time");
  }

  @Test
  void aPeerIsRequired() {
    CliRun run = CliRun.of("bench");
    assertEquals(2, run.status(), run.toString());
    assertTrue(run.err().startsWith("Missing required option: '--peer=PEER'"), run.err());
  }
}
