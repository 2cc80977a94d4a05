package org.weverywhere.net;

import java.net.InetSocketAddress;
import org.weverywhere.protocol.Message.Announce;
import org.weverywhere.protocol.SignedMessage;
import org.weverywhere.trust.Fingerprint;

/**
 * A verified {@code announce}: which node (its host key's fingerprint), from which address, what it
 * says, and the whole signed message for whoever wants its header.
 */
public record Announcement(
    Fingerprint node, InetSocketAddress from, Announce announce, SignedMessage message) {}
