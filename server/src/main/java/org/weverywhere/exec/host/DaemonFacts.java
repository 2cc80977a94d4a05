package org.weverywhere.exec.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the daemon itself tells an observation probe beyond the machine's figures: the filesystem it
 * keeps its state on, how many executions it has started, and the execution slots each group holds.
 * These are the only daemon figures a fleet view needs, so that view is built from probes
 * (docs/HOST-FACTS.md) rather than from monitoring built into the daemon.
 */
public interface DaemonFacts {
  /** Knows nothing: disk and executions read -1, no group is listed. */
  DaemonFacts NONE =
      new DaemonFacts() {
        @Override
        public Optional<Path> disk() {
          return Optional.empty();
        }

        @Override
        public long executionsStarted() {
          return -1;
        }

        @Override
        public List<GroupSlots> slots() {
          return List.of();
        }
      };

  /** A directory on the filesystem whose size and free space the disk facts report. */
  Optional<Path> disk();

  /** Executions admitted since the daemon started (all groups), -1 when not counted. */
  long executionsStarted();

  /** Execution slots per Signature Group that has a quota here. */
  List<GroupSlots> slots();

  /** A group's execution slots: held now, and its quota (cores). */
  record GroupSlots(String group, int inUse, int total) {}
}
