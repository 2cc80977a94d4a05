package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ByteSize;
import org.weverywhere.config.ConfigValueType;

/**
 * {@code libraries.*}: the library store. The largest module and the directory published at start
 * are read at start (a reload publishes the directory of the configuration it loads, before it is
 * in force); the built-in libraries live, so they are read again on {@link
 * org.weverywhere.host.ConfigChanged}.
 */
@ConfigProperties(prefix = "libraries")
@Dependent
public class LibrariesProperties {
  private Optional<Path> dir;

  @ConfigProperty(name = "max-module-size")
  private ByteSize maxModuleSize;

  private boolean builtin;

  // the text, parsed by the configuration's own parser below: MicroProfile's list conversion
  // would keep the blanks around "a, b" and the duplicates the configuration drops
  @ConfigProperty(name = "builtin.disabled")
  private Optional<String> builtinDisabledText;

  /** The directory of modules published as libraries at every start, when set. */
  public Optional<Path> dir() {
    return dir;
  }

  public ByteSize maxModuleSize() {
    return maxModuleSize;
  }

  /** Whether the probe modules the daemon ships are offered. */
  public boolean builtin() {
    return builtin;
  }

  /** The built-in libraries not offered, by name; none when unset. */
  public List<String> builtinDisabled() {
    return builtinDisabledText.map(ConfigValueType.NAMES::parse).orElse(List.of());
  }
}
