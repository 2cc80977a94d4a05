package org.weverywhere.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.weverywhere.ErrorCode;
import org.weverywhere.host.Failures;
import org.weverywhere.host.SupervisedLoop;
import org.weverywhere.host.ThreadSource;
import org.weverywhere.net.Frames;

/**
 * The daemon's local control socket: AF_UNIX, mode 0660 (group: the control group, if any), every
 * connection checked by its peer credentials before a byte of it is read. Each connection is a
 * sequence of request/reply frames handled on a virtual thread of its own.
 */
public final class ControlSocket implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ControlSocket.class.getName());

  /** A connection that says nothing for this long is closed, so idle peers cost nothing. */
  static final Duration IDLE = Duration.ofMinutes(5);

  /** After a failed accept, the next one waits this long. */
  private static final Duration ACCEPT_PAUSE = Duration.ofMillis(10);

  private final Path path;
  private final AFUNIXServerSocket server;
  private final PeerPolicy policy;
  private final ControlService service;
  private final ExecutorService connections = ThreadSource.virtualPerTask();
  private final Failures failures =
      new Failures("control socket", LOG, Duration.ofMinutes(1), System::nanoTime);
  private final SupervisedLoop acceptor;

  private ControlSocket(
      Path path, AFUNIXServerSocket server, PeerPolicy policy, ControlService service) {
    this.path = path;
    this.server = server;
    this.policy = policy;
    this.service = service;
    this.acceptor =
        new SupervisedLoop(
            "control-socket-accept",
            this::acceptLoop,
            () -> !server.isClosed(),
            Duration.ofMillis(200));
  }

  /**
   * Binds {@code path} and starts accepting. A socket file left by a daemon that is gone is
   * replaced; one that a live daemon still answers on is not, and nothing that is not a socket is
   * ever removed. The directory must be one that only root or the daemon's user can write (issue
   * 13: a daemon running as root once deleted whatever file {@code control.socket} named).
   *
   * @throws ControlException {@code WE9010} when the path or its directory is not safe to use
   */
  public static ControlSocket open(
      Path path, Optional<String> group, PeerPolicy policy, ControlService service) {
    try {
      long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
      Path parent = path.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      refuseUnsafeDirectory(parent, uid, path);
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        removeStaleSocket(path, uid);
      }
      AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
      server.bind(AFUNIXSocketAddress.of(path.toFile()));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
      if (group.isPresent()) {
        GroupPrincipal principal =
            path.getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(group.get());
        Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(principal);
      }
      var socket = new ControlSocket(path, server, policy, service);
      socket.acceptor.start();
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the control socket " + path + ": " + e.getMessage(), e);
    }
  }

  /** File types in {@code st_mode} (stat(2)): what a path may hold besides a socket. */
  private static final int TYPE_MASK = 0170000;

  private static final int SOCKET = 0140000;

  /**
   * Removes the socket at {@code path} left by a daemon that is gone. Anything else there — a
   * regular file, a directory, a symbolic link (never followed), a live socket, another user's
   * socket — is refused and left as it is.
   */
  private static void removeStaleSocket(Path path, long uid) throws IOException {
    int mode =
        ((Number) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
    if ((mode & TYPE_MASK) != SOCKET) {
      throw unsafe(
          path
              + " exists and is "
              + typeName(mode)
              + ", not a socket: the daemon never removes it; remove it"
              + " yourself or set control.socket to another path");
    }
    long owner =
        ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    if (owner != uid) {
      throw unsafe(
          path
              + " is a socket of uid "
              + owner
              + ", not of the daemon's user (uid "
              + uid
              + "): the daemon does not remove it");
    }
    if (answers(path)) {
      throw new IOException("another daemon is listening on " + path);
    }
    Files.delete(path);
  }

  private static String typeName(int mode) {
    return switch (mode & TYPE_MASK) {
      case 0100000 -> "a regular file";
      case 0040000 -> "a directory";
      case 0120000 -> "a symbolic link";
      case 0010000 -> "a FIFO";
      case 0020000, 0060000 -> "a device";
      default -> "of file type " + Integer.toOctalString(mode & TYPE_MASK);
    };
  }

  /**
   * Refuses a socket directory that anyone but root and the daemon's user could change: there a
   * user could put a file or link of their choice where the socket goes, or swap the directory. The
   * directory itself must be owned by root or the daemon's user and writable by its owner only (a
   * sticky bit is not enough: others could still create the socket's name first). Each directory
   * above it must be as well, except a root-owned sticky one such as /tmp, where others cannot
   * rename or remove what is not theirs.
   */
  static void refuseUnsafeDirectory(Path directory, long uid, Path socket) throws IOException {
    Path real = directory.toRealPath();
    for (Path dir = real; dir != null; dir = dir.getParent()) {
      int mode = ((Number) Files.getAttribute(dir, "unix:mode")).intValue();
      long owner = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
      boolean othersWrite = (mode & 0022) != 0;
      boolean rootSticky = owner == 0 && (mode & 01000) != 0;
      String where =
          dir.equals(real)
              ? "the directory of control.socket " + socket
              : "directory " + dir + " above " + socket;
      if (owner != 0 && owner != uid) {
        throw unsafe(
            where
                + " is owned by uid "
                + owner
                + ", neither root nor the daemon's user (uid "
                + uid
                + "), who could replace what is in it; choose a directory of root or the daemon's user");
      }
      if (othersWrite && (dir.equals(real) || !rootSticky)) {
        throw unsafe(
            where
                + " has mode "
                + Integer.toOctalString(mode & 07777)
                + ": others can write it, so they"
                + " could put a file or link of their choice where the socket goes; use a directory only its owner can"
                + " write (chmod go-w"
                + (dir.equals(real)
                    ? ""
                    : ", or a root-owned sticky directory such as /tmp above it")
                + ")");
      }
    }
  }

  private static ControlException unsafe(String message) {
    return new ControlException(ErrorCode.CONTROL_SOCKET_UNSAFE, "control socket: " + message);
  }

  private static boolean answers(Path path) {
    try (AFUNIXSocket probe = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(path.toFile()))) {
      return probe.isConnected();
    } catch (IOException gone) {
      return false;
    }
  }

  public Path path() {
    return path;
  }

  /**
   * Accepts until the socket closes; a failed accept is counted and the next one taken (see {@link
   * SupervisedLoop}).
   */
  private void acceptLoop() throws InterruptedException {
    while (!server.isClosed()) {
      AFUNIXSocket connection;
      try {
        connection = server.accept();
      } catch (SocketException closed) {
        if (!server.isClosed()) {
          failures.failed("accept failed", closed);
          Thread.sleep(ACCEPT_PAUSE);
        }
        continue;
      } catch (IOException | RuntimeException e) {
        failures.failed("accept failed", e);
        Thread.sleep(ACCEPT_PAUSE); // e.g. out of file descriptors: no spinning on a core meanwhile
        continue;
      }
      try {
        connections.submit(() -> serve(connection));
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        closeQuietly(connection);
      }
    }
  }

  private void closeQuietly(AFUNIXSocket connection) {
    try {
      connection.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing a control connection refused while stopping", e);
    }
  }

  /** Why the accepting loop is not running now (being restarted), for readiness. */
  public Optional<String> down() {
    return acceptor.down();
  }

  private void serve(AFUNIXSocket connection) {
    try (connection) {
      AFUNIXSocketCredentials credentials = connection.getPeerCredentials();
      var peer =
          new PeerCredentials(credentials.getUid(), credentials.getGid(), credentials.getPid());
      var in = connection.getInputStream();
      var out = connection.getOutputStream();
      Optional<String> refusal = policy.refusal(peer);
      if (refusal.isPresent()) {
        LOG.warning("control socket: " + refusal.get());
        Frames.write(out, service.refusal(refusal.get()));
        return;
      }
      connection.setSoTimeout((int) IDLE.toMillis());
      while (true) {
        Optional<byte[]> request;
        try {
          request = Frames.read(in);
        } catch (Frames.FrameException bad) {
          Frames.write(out, service.badFrame(bad.getMessage()));
          return;
        }
        if (request.isEmpty()) {
          return;
        }
        service.handle(peer, request.get(), frame -> Frames.write(out, frame));
      }
    } catch (SocketTimeoutException idle) {
      // an idle peer: closing is the answer
    } catch (IOException e) {
      LOG.log(Level.FINE, "control connection ended", e);
    } catch (RuntimeException e) { // one connection's failure ends that connection, nothing else
      failures.failed("a control connection failed", e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      acceptor.close();
      connections.shutdownNow();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot close the control socket " + path + ": " + e.getMessage(), e);
    }
  }
}
