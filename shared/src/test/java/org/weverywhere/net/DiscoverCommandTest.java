package org.weverywhere.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.weverywhere.cli.Main;

/** {@code weverywhere discover} against a real responder on loopback, on a port of its own. */
class DiscoverCommandTest {
  private NetworkInterface lo;
  private int port;

  @BeforeEach
  void loopback() throws IOException {
    lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(0));
      port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
  }

  private static String[] run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int status = commandLine.execute(args);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  @Test
  void printsEachDaemonAsItAnswers() throws IOException {
    try (TestResponder daemon =
        new TestResponder("lab-7", MulticastGroups.DEFAULT.withPort(port), lo, 0)) {
      String[] human =
          run("peers", "--interface", lo.getName(), "--port", Integer.toString(port), "--max", "1");
      assertEquals("0", human[0], human[2]);
      assertTrue(
          human[1].startsWith(
              daemon.host.fingerprint().shortForm() + "          lab-7             127.0.0.1 "),
          human[1]);
      assertTrue(human[1].contains("  http 22341  math\n1 daemon answered (waited "), human[1]);

      // discover is the command's old name, kept as an alias
      String[] json = run("discover", "--json", "--port", Integer.toString(port), "--max", "1");
      assertEquals("0", json[0], json[2]);
      JsonNode line = new ObjectMapper().readTree(json[1]);
      assertEquals(daemon.host.fingerprint().toString(), line.get("node").asText());
      assertEquals("lab-7", line.get("name").asText());
      assertEquals("math", line.get("libraries").get(0).asText());
    }
  }

  @Test
  void silenceAndBadOptionsAreOneLineErrors() {
    String[] silent = run("discover", "--port", Integer.toString(port), "--timeout", "0.3");
    assertEquals("1", silent[0]);
    assertTrue(
        silent[2].endsWith("weverywhere: no daemon answered on lo within 300 ms [WE5024]\n"),
        silent[2]);

    String[] noSuch = run("discover", "--interface", "we-no-such0");
    assertEquals("2", noSuch[0]);
    assertTrue(
        noSuch[2].startsWith("Invalid value for option '--interface': no interface 'we-no-such0'"),
        noSuch[2]);
  }
}
