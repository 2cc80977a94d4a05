package org.weverywhere.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.weverywhere.daemon.ScratchDirectories;
import org.weverywhere.net.Frames;

class ControlSocketTest {
  /** Answers in plain text, so the tests read what the socket did, not a codec. */
  static final class TextService implements ControlService {
    @Override
    public void handle(PeerCredentials peer, byte[] request, Replies replies)
        throws java.io.IOException {
      replies.send(
          ("ok " + peer.uid() + ": " + new String(request, StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] refusal(String reason) {
      return reason.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] badFrame(String reason) {
      return ("bad frame: " + reason).getBytes(StandardCharsets.UTF_8);
    }
  }

  private Path dir;
  private ControlSocket socket;

  @BeforeEach
  void open() throws IOException {
    // world-traversable, so that the other-user test can reach the socket at all
    dir =
        Files.createTempDirectory(
            "we-control",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    socket =
        ControlSocket.open(
            dir.resolve("control.sock"),
            Optional.empty(),
            PeerPolicy.forThisProcess(Optional.empty(), new SystemAccounts()),
            new TextService());
  }

  @AfterEach
  void close() throws IOException {
    socket.close();
    ScratchDirectories.delete(dir);
  }

  private static String exchange(AFUNIXSocket client, byte[] request) throws IOException {
    Frames.write(client.getOutputStream(), request);
    return new String(Frames.read(client.getInputStream()).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void theDaemonsOwnUserIsServedRequestAfterRequest() throws IOException {
    assertEquals(
        "rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.path())));
    try (AFUNIXSocket client =
        AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket.path().toFile()))) {
      long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
      assertEquals("ok " + uid + ": status", exchange(client, "status".getBytes()));
      assertEquals("ok " + uid + ": reload", exchange(client, "reload".getBytes()));
    }
  }

  @Test
  void anOversizedFrameIsAnsweredAndTheConnectionClosed() throws IOException {
    try (AFUNIXSocket client =
        AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket.path().toFile()))) {
      client.getOutputStream().write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      String answer =
          new String(Frames.read(client.getInputStream()).orElseThrow(), StandardCharsets.UTF_8);
      assertEquals(
          "bad frame: frame of 2147483647 bytes is over the " + Frames.MAX_FRAME + "-byte limit",
          answer);
      assertTrue(Frames.read(client.getInputStream()).isEmpty(), "closed after a bad frame");
    }
  }

  @Test
  void aSecondDaemonCannotTakeALiveSocket() {
    var taken =
        assertThrows(
            UncheckedIOException.class,
            () ->
                ControlSocket.open(
                    socket.path(),
                    Optional.empty(),
                    new PeerPolicy(0, Optional.empty(), new SystemAccounts()),
                    new TextService()));
    assertTrue(taken.getMessage().contains("another daemon is listening"), taken.getMessage());
  }

  @Test
  void aStaleSocketFileIsReplaced() throws IOException {
    socket.close();
    Path stale = dir.resolve("control.sock");
    // a socket bound and closed without unlinking: what a daemon that was killed leaves behind
    try (var gone =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      gone.bind(java.net.UnixDomainSocketAddress.of(stale));
    }
    assertTrue(
        Files.exists(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "the stale socket file is there");
    socket = open(stale);
    try (AFUNIXSocket client = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(stale.toFile()))) {
      assertTrue(exchange(client, "x".getBytes()).startsWith("ok "));
    }
  }

  private static ControlSocket open(Path path) throws IOException {
    return ControlSocket.open(
        path,
        Optional.empty(),
        PeerPolicy.forThisProcess(Optional.empty(), new SystemAccounts()),
        new TextService());
  }

  // ---- issue 13: the socket path never deletes what is not a stale socket of ours ----

  @Test
  void aRegularFileAtThePathIsRefusedAndKept() throws IOException {
    socket.close();
    Path file = Files.writeString(dir.resolve("control.sock"), "precious");
    var refused = assertThrows(ControlException.class, () -> open(file));
    assertEquals(org.weverywhere.ErrorCode.CONTROL_SOCKET_UNSAFE, refused.code());
    assertTrue(
        refused
            .getMessage()
            .contains(
                file
                    + " exists and is a regular file, not a socket: the daemon never"
                    + " removes it"),
        refused.getMessage());
    assertEquals("precious", Files.readString(file));
  }

  @Test
  void aSymbolicLinkAtThePathIsRefusedAndNeitherItNorItsTargetRemoved() throws IOException {
    socket.close();
    Path target = Files.writeString(dir.resolve("target"), "precious");
    Path link = Files.createSymbolicLink(dir.resolve("control.sock"), target);
    var refused = assertThrows(ControlException.class, () -> open(link));
    assertTrue(
        refused.getMessage().contains("is a symbolic link, not a socket"), refused.getMessage());
    assertTrue(Files.isSymbolicLink(link));
    assertEquals("precious", Files.readString(target));
  }

  @Test
  void aDirectoryAtThePathIsRefusedAndKept() throws IOException {
    socket.close();
    Path directory = Files.createDirectory(dir.resolve("control.sock"));
    var refused = assertThrows(ControlException.class, () -> open(directory));
    assertTrue(refused.getMessage().contains("is a directory, not a socket"), refused.getMessage());
    assertTrue(Files.isDirectory(directory));
  }

  @Test
  void aDirectoryOthersCanWriteIsRefusedEvenWhenSticky() throws IOException {
    for (String mode : List.of("rwxrwxrwx", "rwxrwxr-x")) {
      Path open = Files.createDirectory(dir.resolve("open-" + mode));
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString(mode));
      var refused = assertThrows(ControlException.class, () -> open(open.resolve("control.sock")));
      assertEquals(org.weverywhere.ErrorCode.CONTROL_SOCKET_UNSAFE, refused.code());
      assertTrue(refused.getMessage().contains("others can write it"), refused.getMessage());
      assertFalse(Files.exists(open.resolve("control.sock")));
    }
    Path sticky = Files.createDirectory(dir.resolve("sticky"));
    Files.setAttribute(sticky, "unix:mode", 01777);
    var refused = assertThrows(ControlException.class, () -> open(sticky.resolve("control.sock")));
    assertTrue(
        refused.getMessage().contains("has mode 1777: others can write it"), refused.getMessage());
  }

  @Test
  void aDirectoryBelowOneOthersCanWriteIsRefused() throws IOException {
    Path open = Files.createDirectory(dir.resolve("open"));
    Path inside = Files.createDirectory(open.resolve("inside"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    var refused = assertThrows(ControlException.class, () -> open(inside.resolve("control.sock")));
    assertTrue(
        refused.getMessage().contains("directory " + open.toRealPath() + " above"),
        refused.getMessage());
  }

  @Test
  void aDirectoryOfAnotherUserIsRefused() throws IOException {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root to give a directory to another user");
    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    Files.setAttribute(theirs, "unix:uid", 65534);
    var refused = assertThrows(ControlException.class, () -> open(theirs.resolve("control.sock")));
    assertTrue(
        refused.getMessage().contains("is owned by uid 65534, neither root nor the daemon's user"),
        refused.getMessage());
  }

  @Test
  void anotherUserIsRefusedByPeerCredentials() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root to connect as another user (runuser)");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/runuser"))
            || Files.isExecutable(Path.of("/sbin/runuser")),
        "runuser is not installed");
    // The file mode would stop this user before we ever saw it: open it up, so that the peer
    // credential check is what refuses.
    Files.setPosixFilePermissions(socket.path(), PosixFilePermissions.fromString("rw-rw-rw-"));
    String client =
        String.join(
            "\n",
            "import socket, struct, sys",
            "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])",
            // the daemon may refuse and close before reading the request: its answer is still
            // there to read
            "try: s.sendall(struct.pack('>I', 6) + b'status')",
            "except BrokenPipeError: pass",
            "n = struct.unpack('>I', s.recv(4, socket.MSG_WAITALL))[0]",
            "print(s.recv(n, socket.MSG_WAITALL).decode())");
    Process p =
        new ProcessBuilder(
                "runuser", "-u", "nobody", "--", "python3", "-c", client, socket.path().toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "client hung");
    String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(answer.startsWith("refused: uid 65534 gid "), answer);
    assertTrue(
        answer.contains(
            "is neither root nor the daemon's user (uid 0); no control.group is configured"),
        answer);
  }

  @Test
  void policyRules() {
    var group = new PeerPolicy.ControlGroup("weverywhere", 990, Set.of("alice"));
    // the operating system's edge, as a table: uid 1002 is alice, pid 8 runs with gid 990 as a
    // supplementary group (as after newgrp, or a group from LDAP that no file lists)
    var accounts =
        new PeerPolicy.Accounts() {
          @Override
          public Optional<PeerPolicy.ControlGroup> group(String name) {
            return Optional.of(group).filter(g -> g.name().equals(name));
          }

          @Override
          public Optional<String> userName(long uid) {
            return uid == 1002
                ? Optional.of("alice")
                : uid == 1003 ? Optional.of("bob") : Optional.empty();
          }

          @Override
          public Set<Long> supplementaryGroups(long pid) {
            return pid == 8 ? Set.of(5L, 990L) : Set.of();
          }
        };
    var policy = new PeerPolicy(1000, Optional.of(group), accounts);
    assertTrue(policy.refusal(new PeerCredentials(0, 0, 1)).isEmpty(), "root");
    assertTrue(policy.refusal(new PeerCredentials(1000, 1000, 1)).isEmpty(), "daemon's user");
    assertTrue(policy.refusal(new PeerCredentials(1001, 990, 1)).isEmpty(), "primary group");
    assertTrue(policy.refusal(new PeerCredentials(1002, 1002, 1)).isEmpty(), "listed member");
    assertTrue(
        policy.refusal(new PeerCredentials(1004, 1004, 8)).isEmpty(),
        "supplementary group of the process");
    assertEquals(
        Optional.of(
            "refused: uid 1003 gid 1003 pid 7 is neither root, the daemon's user (uid 1000),"
                + " nor in the control group 'weverywhere'"),
        policy.refusal(new PeerCredentials(1003, 1003, 7)));
  }

  @Test
  void groupsComeFromTheSystemsNameService() throws IOException {
    var accounts = new SystemAccounts();
    assertEquals(
        Optional.of(new PeerPolicy.ControlGroup("root", 0, Set.of())), accounts.group("root"));
    assertEquals(
        Optional.empty(), accounts.group("no-such-group-" + ProcessHandle.current().pid()));
    assertEquals(Optional.of("root"), accounts.userName(0));
    assertEquals(Optional.empty(), accounts.userName(4_000_000_000L));
    var missing =
        assertThrows(
            IOException.class,
            () -> PeerPolicy.forThisProcess(Optional.of("no-such-group-x"), accounts));
    assertEquals(
        "control.group 'no-such-group-x' is not a group this system knows (getent group)",
        missing.getMessage());
  }

  @Test
  void groupEntriesAndProcessGroupsParse() {
    assertEquals(
        new PeerPolicy.ControlGroup("weverywhere", 990, Set.of("alice", "carol")),
        SystemAccounts.parseGroup("weverywhere:x:990:alice,carol"));
    assertEquals(
        Set.of(4L, 24L, 990L),
        SystemAccounts.groupsLine(
            java.util.List.of("Uid:\t0\t0\t0\t0", "Groups:\t4 24 990 ", "NSpid:\t1")));
    assertEquals(Set.of(), SystemAccounts.groupsLine(java.util.List.of("Groups:\t")));
    // this very process: its own supplementary groups as the kernel reports them
    assertEquals(
        SystemAccounts.groupsLine(readStatus()),
        new SystemAccounts().supplementaryGroups(ProcessHandle.current().pid()));
  }

  private static java.util.List<String> readStatus() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
