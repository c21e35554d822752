package dev.vipd.cluster.member;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.auth.SignedValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a node publishes about itself in {@code vipd-nodes} (key: its name; each node writes only
 * its own entry). Sealed with the cluster secret ({@value #PURPOSE}).
 *
 * @param name the node name
 * @param startTimeMillis the incarnation's start time (an entry of an older incarnation is stale)
 * @param unhealthyPools pools whose health checks fail here
 * @param linkDownPools pools whose interface has no carrier here
 * @param drained whether an operator drained this node
 * @param leaving whether this node is handing its VIPs over before stopping
 * @param eligibleSinceMillis when the node last became more eligible (start, undrain, a pool
 *     recovering); preemption delays count from it
 */
public record NodeState(
    String name,
    long startTimeMillis,
    Set<String> unhealthyPools,
    Set<String> linkDownPools,
    boolean drained,
    boolean leaving,
    long eligibleSinceMillis) {

  /** Purpose string of the sealed values. */
  public static final String PURPOSE = "node-state/v1";

  private static final int VERSION = 1;

  public NodeState {
    Objects.requireNonNull(name, "name");
    unhealthyPools = Set.copyOf(unhealthyPools);
    linkDownPools = Set.copyOf(linkDownPools);
  }

  /** A fresh node: healthy, eligible since it started. */
  public static NodeState initial(String name, long startTimeMillis) {
    return new NodeState(name, startTimeMillis, Set.of(), Set.of(), false, false, startTimeMillis);
  }

  /**
   * This state with new pool conditions, all changes going through one eligibility rule: the
   * node becomes more eligible (eligibility restarts at {@code nowMillis}) when a pool recovers.
   */
  public NodeState withConditions(Set<String> unhealthy, Set<String> linkDown, long nowMillis) {
    boolean recovered = !unhealthy.containsAll(unhealthyPools)
        || !linkDown.containsAll(linkDownPools);
    return new NodeState(name, startTimeMillis, unhealthy, linkDown, drained, leaving,
        recovered ? nowMillis : eligibleSinceMillis);
  }

  /** This state drained or undrained; an undrain restarts eligibility at {@code nowMillis}. */
  public NodeState withDrained(boolean drain, long nowMillis) {
    return new NodeState(name, startTimeMillis, unhealthyPools, linkDownPools, drain, leaving,
        drained && !drain ? nowMillis : eligibleSinceMillis);
  }

  /** This state marked as handing its VIPs over before stopping. */
  public NodeState asLeaving() {
    return new NodeState(name, startTimeMillis, unhealthyPools, linkDownPools, drained, true,
        eligibleSinceMillis);
  }

  /** Seals this state. */
  public byte[] seal(ClusterSecret secret) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeUTF(name);
      out.writeLong(startTimeMillis);
      writeSet(out, unhealthyPools);
      writeSet(out, linkDownPools);
      out.writeBoolean(drained);
      out.writeBoolean(leaving);
      out.writeLong(eligibleSinceMillis);
      return new SignedValue(secret, PURPOSE).seal(bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory stream cannot fail", e);
    }
  }

  /** The state in {@code sealed}; empty when unverifiable or malformed. Never throws. */
  public static Optional<NodeState> open(byte[] sealed, ClusterSecret secret) {
    Optional<byte[]> payload = new SignedValue(secret, PURPOSE).open(sealed);
    if (payload.isEmpty()) {
      return Optional.empty();
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload.get()));
      if (in.readUnsignedByte() != VERSION) {
        return Optional.empty();
      }
      String name = in.readUTF();
      long start = in.readLong();
      Set<String> unhealthy = readSet(in);
      Set<String> linkDown = readSet(in);
      boolean drained = in.readBoolean();
      boolean leaving = in.readBoolean();
      long eligibleSince = in.readLong();
      return Optional.of(
          new NodeState(name, start, unhealthy, linkDown, drained, leaving, eligibleSince));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void writeSet(DataOutputStream out, Set<String> names) throws IOException {
    out.writeShort(names.size());
    for (String name : new TreeSet<>(names)) {
      out.writeUTF(name);
    }
  }

  private static Set<String> readSet(DataInputStream in) throws IOException {
    int count = in.readUnsignedShort();
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      names.add(in.readUTF());
    }
    return names;
  }
}
