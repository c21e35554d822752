package dev.vipd.daemon.config;

/**
 * The failure-detection profile ({@code vipd.cluster.failure-detection}): how often liveness
 * beacons go out and how long silence lasts before a peer is suspected. The cluster module owns the
 * numbers behind each profile.
 */
public enum FailureDetection {
  /** Tolerant of busy hosts and GC pauses; the recommended setting. */
  DEFAULT,
  /** Sub-second detection for quiet, well-provisioned hosts; more false suspicions under load. */
  FAST
}
