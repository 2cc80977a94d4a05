package org.weverywhere.daemon.soak;

import java.nio.file.Path;
import java.util.List;
import org.weverywhere.daemon.liberty.LibertyDaemon;
import org.weverywhere.net.MulticastGroups;

/**
 * The real daemon: the WAR on Open Liberty from this build's {@code target/liberty/wlp}, started by
 * the {@link LibertyDaemon} fixture on ports and directories of its own. The soak samples the
 * server's JVM (Liberty's {@code server run} executes Java in place of its shell).
 */
final class LibertySoakDaemon implements SoakDaemon {
  private final LibertyDaemon daemon;
  private final SoakTarget target;

  private LibertySoakDaemon(LibertyDaemon daemon) {
    this.daemon = daemon;
    this.target =
        new SoakTarget(
            daemon.pid(),
            daemon.nodeId(),
            daemon.udpAddress(),
            MulticastGroups.DEFAULT.withPort(daemon.udpPort()),
            daemon.httpBase(),
            daemon.controlSocket(),
            daemon.stateDir().resolve("events"));
  }

  static LibertySoakDaemon start(List<String> lines, List<Path> libraries) {
    var builder =
        LibertyDaemon.builder()
            .name("soak")
            // the machine is shared: at a load average of 36 Liberty was not ready in 180 s
            .readyTimeout(java.time.Duration.ofMinutes(10))
            .line(lines.toArray(String[]::new));
    libraries.forEach(builder::library);
    return new LibertySoakDaemon(builder.start());
  }

  @Override
  public SoakTarget target() {
    return target;
  }

  @Override
  public boolean alive() {
    return daemon.isRunning();
  }

  @Override
  public String log() {
    return daemon.messagesLog().toString();
  }

  @Override
  public void close() {
    daemon.close();
  }
}
