package dev.vipd.cluster.member;

import java.util.Map;
import java.util.Objects;

/**
 * One Hazelcast member as read from its attributes.
 *
 * @param name its node name (or {@code ?host:port} when it published none)
 * @param address its Hazelcast address
 * @param labels its labels
 * @param startTimeMillis its incarnation's start time, 0 when unreadable
 * @param verification whether and why not its identity checked out
 * @param self whether it is the local member
 */
public record ViewMember(
    String name,
    String address,
    Map<String, String> labels,
    long startTimeMillis,
    Verification verification,
    boolean self) {

  /** The outcome of checking a member's identity. */
  public enum Verification {
    /** Signed with a key this node holds, for its actual address, and the oldest of its name. */
    VERIFIED,
    /** No vipd identity, a malformed one, one for another address, or a signature that fails. */
    UNVERIFIABLE,
    /** A valid identity whose name an older member already has: the younger is not used. */
    DUPLICATE_NAME
  }

  public ViewMember {
    labels = Map.copyOf(labels);
    Objects.requireNonNull(verification, "verification");
  }

  /** Whether its identity verified. */
  public boolean verified() {
    return verification == Verification.VERIFIED;
  }

  /** Whether this node cannot check its identity at all (a different key, or none). */
  public boolean unverifiable() {
    return verification == Verification.UNVERIFIABLE;
  }
}
