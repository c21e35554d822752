package dev.vipd.cluster.ownership;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import java.util.Optional;

/**
 * Merges {@code vipd-owners} after a healed split: of two values naming different nodes of which
 * exactly one is a takeover ({@link HealDecision#takeover}), the other one (the owner from before
 * the split); otherwise the one {@link Precedence} prefers, the rule every tracker applies.
 * A value that does not decode loses to one that does; two undecodable values keep the existing
 * one.
 *
 * <p>The policy has no secret, so it cannot check MACs: a forged value with a huge epoch would
 * win here, but every reader verifies values and ignores it, and the writer repairs the entry.
 * Hazelcast instantiates this class by name on every member (no-argument constructor).
 */
public final class OwnersMergePolicy
    implements SplitBrainMergePolicy<byte[], MergingValue<byte[]>, Object> {

  @Override
  public Object merge(MergingValue<byte[]> merging, MergingValue<byte[]> existing) {
    if (merging == null) {
      return existing.getRawValue();
    }
    if (existing == null) {
      return merging.getRawValue();
    }
    return prefersMerging(merging.getDeserializedValue(), existing.getDeserializedValue())
        ? merging.getRawValue()
        : existing.getRawValue();
  }

  /**
   * The pure comparison: whether the {@code merging} value (from the smaller side) replaces the
   * {@code existing} one.
   */
  public static boolean prefersMerging(byte[] merging, byte[] existing) {
    Optional<Assignment> m = AssignmentCodec.decode(merging);
    Optional<Assignment> e = AssignmentCodec.decode(existing);
    if (m.isEmpty()) {
      return false;
    }
    if (e.isEmpty()) {
      return true;
    }
    Assignment incoming = m.get();
    Assignment kept = e.get();
    if (!incoming.node().equals(kept.node())
        && HealDecision.takeover(incoming) != HealDecision.takeover(kept)) {
      // One side took the VIP over while split, the other kept it with its owner from before
      // the split: the latter (see HealDecision; the writer settles it with a fresh epoch).
      return HealDecision.takeover(kept);
    }
    return Precedence.wins(incoming, kept);
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // Stateless.
  }

  @Override
  public void readData(ObjectDataInput in) {
    // Stateless.
  }
}
