package org.weverywhere.protocol;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.weverywhere.protocol.ProtocolException.Reason;
import org.weverywhere.trust.Fingerprint;
import org.weverywhere.trust.Membership;
import org.weverywhere.trust.Privilege;
import org.weverywhere.trust.SignatureGroups;

/**
 * Maps a verified message's signer to its Signature Groups and privileges, and refuses requests its
 * groups do not allow. Privileges per group name come from the configuration ({@code
 * group.<Name>.privileges}); a group with no entry has none.
 */
public final class Authorizer {
  private final Function<Fingerprint, Membership> groups;
  private final Map<String, Set<Privilege>> privileges;

  public Authorizer(
      Function<Fingerprint, Membership> groups, Map<String, Set<Privilege>> privileges) {
    this.groups = groups;
    Map<String, Set<Privilege>> copy = new LinkedHashMap<>();
    privileges.forEach((group, set) -> copy.put(group, Set.copyOf(set)));
    this.privileges = Map.copyOf(copy);
  }

  public Authorizer(SignatureGroups groups, Map<String, Set<Privilege>> privileges) {
    this(groups::membership, privileges);
  }

  /**
   * The requester behind {@code message}; {@code NOT_MEMBER} when it names a group it is not in.
   */
  public Requester requester(SignedMessage message) {
    Membership membership = groups.apply(message.fingerprint());
    EnumSet<Privilege> granted = EnumSet.noneOf(Privilege.class);
    for (String group : membership.groups()) {
      granted.addAll(privileges.getOrDefault(group, Set.of()));
    }
    String charged = message.header().group().orElse(membership.groups().get(0));
    if (!membership.groups().contains(charged)) {
      throw new ProtocolException(
          Reason.NOT_MEMBER,
          "key "
              + membership.key().shortForm()
              + " names group '"
              + charged
              + "' but is in "
              + membership.groups());
    }
    return new Requester(membership, granted, charged);
  }

  /** The requester, after checking it holds the privilege the message needs. */
  public Requester authorize(SignedMessage message) {
    Requester requester = requester(message);
    message
        .message()
        .privilege()
        .ifPresent(
            needed -> {
              if (!requester.may(needed)) {
                throw new ProtocolException(
                    Reason.NOT_PERMITTED,
                    message.message().type()
                        + " needs privilege '"
                        + needed.text()
                        + "', which groups "
                        + requester.membership().groups()
                        + " do not grant");
              }
            });
    return requester;
  }
}
