package org.weverywhere.protocol;

import org.weverywhere.trust.Fingerprint;

/** Who a message is for: any node, or the node whose host key has this fingerprint. */
public sealed interface Audience {
  /** Every node that receives it, e.g. a multicast {@code discover}. */
  record Any() implements Audience {
    @Override
    public String toString() {
      return "any";
    }
  }

  /** One node, named by its host key's fingerprint (its node id). */
  record Node(Fingerprint id) implements Audience {
    @Override
    public String toString() {
      return id.toString();
    }
  }

  Audience ANY = new Any();

  static Audience node(Fingerprint id) {
    return new Node(id);
  }

  /** True when a node with host key {@code self} is meant. */
  default boolean includes(Fingerprint self) {
    return this instanceof Any || (this instanceof Node node && node.id().equals(self));
  }
}
