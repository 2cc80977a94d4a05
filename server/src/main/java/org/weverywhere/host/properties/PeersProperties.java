package org.weverywhere.host.properties;

import jakarta.enterprise.context.Dependent;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.weverywhere.config.ConfigValueType;
import org.weverywhere.net.PeerAddress;

/** {@code peers.*}: the seed peers that multicast does not reach. Read at start. */
@ConfigProperties(prefix = "peers")
@Dependent
public class PeersProperties {
  // the text, parsed by the configuration's own parser below: MicroProfile's list conversion
  // would split "[fe80::1%eth0]:22341, host:1" itself and take the default "none" for a peer
  @ConfigProperty(name = "static")
  private String staticText;

  /** The seed peers, an IPv6 zone kept; none when {@code peers.static = none}. */
  public List<PeerAddress> staticPeers() {
    return ConfigValueType.PEERS.parse(staticText);
  }
}
