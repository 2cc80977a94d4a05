package org.weverywhere.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.weverywhere.daemon.health.Failures;
import org.weverywhere.daemon.health.SupervisedLoop;
import org.weverywhere.net.Frames;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

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
  private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
  private final Failures failures = new Failures("control socket", LOG, Duration.ofMinutes(1), System::nanoTime);
  private final SupervisedLoop acceptor;

  private ControlSocket(Path path, AFUNIXServerSocket server, PeerPolicy policy, ControlService service) {
    this.path = path;
    this.server = server;
    this.policy = policy;
    this.service = service;
    this.acceptor = new SupervisedLoop("control-socket-accept", this::acceptLoop, () -> !server.isClosed(),
        Duration.ofMillis(200));
  }

  /**
   * Binds {@code path} and starts accepting. A socket file left by a daemon that is gone is
   * replaced; one that a live daemon still answers on is not.
   */
  public static ControlSocket open(Path path, Optional<String> group, PeerPolicy policy, ControlService service) {
    try {
      Files.createDirectories(path.getParent());
      if (Files.exists(path)) {
        if (answers(path)) {
          throw new IOException("another daemon is listening on " + path);
        }
        Files.delete(path);
      }
      AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
      server.bind(AFUNIXSocketAddress.of(path.toFile()));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
      if (group.isPresent()) {
        GroupPrincipal principal = path.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByGroupName(group.get());
        Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(principal);
      }
      var socket = new ControlSocket(path, server, policy, service);
      socket.acceptor.start();
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the control socket " + path + ": " + e.getMessage(), e);
    }
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

  /** Accepts until the socket closes; a failed accept is counted and the next one taken (see {@link SupervisedLoop}). */
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
      var peer = new Peer(credentials.getUid(), credentials.getGid(), credentials.getPid());
      var in = connection.getInputStream();
      var out = connection.getOutputStream();
      Optional<String> refusal = policy.refusal(peer, PeerPolicy.userName(peer.uid(), Path.of("/etc/passwd")));
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
      throw new UncheckedIOException("cannot close the control socket " + path + ": " + e.getMessage(), e);
    }
  }
}
