package dev.vipd.cluster.election;

import java.util.Objects;

/**
 * The cluster-wide election policy.
 *
 * @param quorum {@link Quorum#NONE} or {@link Quorum#MAJORITY}
 * @param expectedSize the configured cluster size ({@code cluster.expected-size}); only {@link
 *     Quorum#MAJORITY} reads it, but it must be at least 1 either way
 */
public record Policy(Quorum quorum, int expectedSize) {
  public Policy {
    Objects.requireNonNull(quorum, "quorum");
    if (expectedSize < 1) {
      throw new IllegalArgumentException(
          "invalid expected-size: " + expectedSize + " (expected: >= 1)");
    }
  }

  /** The number of verified, unsuspected members a majority needs. */
  public int majority() {
    return expectedSize / 2 + 1;
  }
}
