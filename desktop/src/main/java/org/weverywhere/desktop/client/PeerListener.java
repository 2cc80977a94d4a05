package org.weverywhere.desktop.client;

import org.weverywhere.trust.Fingerprint;

/** Receives what passive listening hears; called on a network thread, never the FX thread. */
public interface PeerListener {
  /** A verified announce arrived. */
  void announced(Sighting sighting);

  /** A node said {@code bye}. */
  void gone(Fingerprint node);

  /** A datagram failed verification; {@code reason} is its one-line error. */
  void rejected(String reason);
}
