package org.weverywhere.exec.host;

import java.nio.file.Path;

/**
 * The directory whose filesystem the {@code disk_*} host facts describe: the daemon's state
 * directory.
 */
public record ObservedDisk(Path path) {}
