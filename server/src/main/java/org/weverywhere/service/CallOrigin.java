package org.weverywhere.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.weverywhere.protocol.MessageId;

/**
 * Who a request that runs guest code was made for, carried to the guest's outgoing service calls. A
 * guest runs on the thread of the request that started it (engines run on the calling thread), so
 * the request handler binds the origin to that thread for the duration of the request.
 *
 * @param requester fingerprint of the original requester (the client that started the chain)
 * @param groups the Signature Groups of the signer here, for local service calls
 * @param chain ids of the requests along the chain so far, this host's last; its size is the depth
 */
public record CallOrigin(String requester, List<String> groups, List<MessageId> chain) {
  private static final ThreadLocal<CallOrigin> CURRENT = new ThreadLocal<>();

  public CallOrigin {
    groups = List.copyOf(groups);
    chain = List.copyOf(chain);
  }

  /** The chain one hop further: {@code request} appended. */
  public CallOrigin then(MessageId request) {
    List<MessageId> longer = new ArrayList<>(chain);
    longer.add(request);
    return new CallOrigin(requester, groups, longer);
  }

  /** Runs {@code work} with this origin bound to the current thread. */
  public <T> T bind(Supplier<T> work) {
    CallOrigin outer = CURRENT.get();
    CURRENT.set(this);
    try {
      return work.get();
    } finally {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** The origin of the request this thread serves, if it serves one. */
  public static Optional<CallOrigin> current() {
    return Optional.ofNullable(CURRENT.get());
  }
}
