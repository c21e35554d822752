package dev.vipd.cluster.beacon;

import java.util.Locale;

/**
 * What became of one received datagram. Every value but {@link #ACCEPTED} is a drop, counted as
 * {@code vipd.beacons.rejected{reason}} with {@link #tag()} as the reason.
 */
public enum BeaconVerdict {
  /** Authentic, fresh, from a known peer: counts as a sign of life. */
  ACCEPTED,
  /** Shorter than its header or its name length says. */
  TRUNCATED,
  /** Does not start with the beacon magic: not a vipd beacon at all. */
  BAD_MAGIC,
  /** A beacon format this build does not speak. */
  UNSUPPORTED_VERSION,
  /** Longer than its name length says. */
  BAD_LENGTH,
  /** The MAC does not verify under any key: wrong secret or tampering. */
  BAD_MAC,
  /** Authentic but with an invalid field (bad UTF-8, reserved flag, negative number). */
  MALFORMED,
  /** Authentic, from a node name that is not a current peer. */
  UNKNOWN_PEER,
  /** Authentic and carries this node's own name: a reflection, or two nodes share a name. */
  OWN_NAME,
  /** Authentic but not newer than the last beacon of that incarnation: a replay or reorder. */
  REPLAYED,
  /** Authentic but from an older incarnation than one already seen: a replay. */
  STALE_INCARNATION;

  /** The metric tag and log value, e.g. {@code bad-mac}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
