package org.weverywhere.net;

import java.net.NetworkInterface;

/**
 * Runs a {@link TestResponder} in its own process, so that a test can start it inside a network
 * namespace ({@code ip netns exec NS java ...}). Prints {@code READY <fingerprint>}, then answers
 * until its standard input closes or 60 seconds pass.
 */
public final class TestResponderMain {
  private TestResponderMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    NetworkInterface nic = NetworkInterface.getByName(args[1]);
    if (nic == null) {
      throw new IllegalArgumentException("no interface " + args[1]);
    }
    try (TestResponder responder =
        new TestResponder(args[2], MulticastGroups.DEFAULT.withPort(port), nic, 0)) {
      System.out.println("READY " + responder.host.fingerprint());
      System.out.flush();
      Thread reader =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      while (System.in.read() >= 0) {
                        // wait for the parent to close our stdin
                      }
                    } catch (java.io.IOException closed) {
                      // the parent went away: stop as well
                    }
                  });
      reader.join(60_000);
    }
  }
}
