package dev.vipd.cluster.member;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.auth.SignedValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a node publishes about itself in {@code vipd-nodes} (key: its name; each node writes only
 * its own entry). Sealed with the cluster secret ({@value #PURPOSE}).
 *
 * <p>Only ages cross hosts, never wall-clock times: {@code eligibleForMillis} is how long the
 * node had been eligible when it sealed the value, and a reader counts on from the moment it
 * received the value, on its own monotonic clock. A value read long after it was sealed (at a
 * rescan) therefore looks younger than it is, which only ever delays a preemption.
 *
 * <p>A value is newer than another of the same node when its incarnation ({@code
 * startTimeMillis}, fixed per process and signed in the identity) is later, or equal with a
 * higher {@code sequence}: readers ignore replays of older values.
 *
 * @param name the node name
 * @param startTimeMillis the incarnation's start time (an incarnation id: compared, never aged)
 * @param sequence increases with every value this incarnation publishes
 * @param unhealthyPools pools whose health checks fail here
 * @param linkDownPools pools whose interface has no carrier here
 * @param drained whether an operator drained this node
 * @param leaving whether this node is handing its VIPs over before stopping
 * @param eligibleForMillis how long the node had been eligible (since start, undrain or a pool
 *     recovering) when it sealed this value; preemption delays count from it
 * @param pools the pools loaded here: name to {@code Pool.digest()} of its addresses
 * @param standby why this node may own nothing now ({@code fenced}, {@code merging}, {@code
 *     untrusted}), or empty when it may
 * @param unservable the VIPs this node cannot serve now (binding, joining or filtering failed)
 * @param wire its wire check state: pool MACs, owners it found silent, self-suspicion
 */
public record NodeState(
    String name,
    long startTimeMillis,
    long sequence,
    Set<String> unhealthyPools,
    Set<String> linkDownPools,
    boolean drained,
    boolean leaving,
    long eligibleForMillis,
    Map<String, String> pools,
    String standby,
    Set<InetAddress> unservable,
    WireState wire) {

  /** Purpose string of the sealed values. */
  public static final String PURPOSE = "node-state/v2";

  /** Version 3 appends {@link WireState}; a version-2 value (an older vipd) reads as none. */
  private static final int VERSION = 3;

  /** More unservable VIPs than any configuration holds is not a value vipd wrote. */
  private static final int MAX_UNSERVABLE = 1 << 20;

  public NodeState {
    Objects.requireNonNull(name, "name");
    unhealthyPools = Set.copyOf(unhealthyPools);
    linkDownPools = Set.copyOf(linkDownPools);
    pools = Map.copyOf(pools);
    Objects.requireNonNull(standby, "standby");
    unservable = Set.copyOf(unservable);
    Objects.requireNonNull(wire, "wire");
    if (eligibleForMillis < 0) {
      throw new IllegalArgumentException(
          "invalid eligible-for: " + eligibleForMillis + "ms (expected: >= 0)");
    }
  }

  /** A state without wire check information. */
  public NodeState(String name, long startTimeMillis, long sequence, Set<String> unhealthyPools,
      Set<String> linkDownPools, boolean drained, boolean leaving, long eligibleForMillis,
      Map<String, String> pools, String standby, Set<InetAddress> unservable) {
    this(name, startTimeMillis, sequence, unhealthyPools, linkDownPools, drained, leaving,
        eligibleForMillis, pools, standby, unservable, WireState.NONE);
  }

  /** Whether this value supersedes {@code other} (see the class comment). */
  public boolean newerThan(NodeState other) {
    return startTimeMillis > other.startTimeMillis
        || (startTimeMillis == other.startTimeMillis && sequence > other.sequence);
  }

  private static List<byte[]> sortedBytes(Set<InetAddress> vips) {
    List<byte[]> sorted = new ArrayList<>();
    vips.forEach(v -> sorted.add(v.getAddress()));
    sorted.sort(Arrays::compare);
    return sorted;
  }

  /** Seals this state. */
  public byte[] seal(ClusterSecret secret) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeUTF(name);
      out.writeLong(startTimeMillis);
      out.writeLong(sequence);
      writeSet(out, unhealthyPools);
      writeSet(out, linkDownPools);
      out.writeBoolean(drained);
      out.writeBoolean(leaving);
      out.writeLong(eligibleForMillis);
      out.writeShort(pools.size());
      for (Map.Entry<String, String> p : new TreeMap<>(pools).entrySet()) {
        out.writeUTF(p.getKey());
        out.writeUTF(p.getValue());
      }
      out.writeUTF(standby);
      out.writeInt(unservable.size());
      for (byte[] vip : sortedBytes(unservable)) {
        out.writeByte(vip.length);
        out.write(vip);
      }
      wire.write(out);
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
      int version = in.readUnsignedByte();
      if (version != VERSION && version != 2) {
        return Optional.empty();
      }
      String name = in.readUTF();
      long start = in.readLong();
      long sequence = in.readLong();
      Set<String> unhealthy = readSet(in);
      Set<String> linkDown = readSet(in);
      boolean drained = in.readBoolean();
      boolean leaving = in.readBoolean();
      long eligibleFor = in.readLong();
      int poolCount = in.readUnsignedShort();
      Map<String, String> pools = new TreeMap<>();
      for (int i = 0; i < poolCount; i++) {
        pools.put(in.readUTF(), in.readUTF());
      }
      String standby = in.readUTF();
      int unservableCount = in.readInt();
      if (unservableCount < 0 || unservableCount > MAX_UNSERVABLE) {
        return Optional.empty();
      }
      Set<InetAddress> unservable = new HashSet<>();
      for (int i = 0; i < unservableCount; i++) {
        int length = in.readUnsignedByte();
        if (length != 4 && length != 16) {
          return Optional.empty();
        }
        unservable.add(InetAddress.getByAddress(in.readNBytes(length)));
      }
      WireState wire = version == 2 ? WireState.NONE : WireState.read(in);
      if (in.read() != -1) {
        return Optional.empty(); // trailing bytes: not a value this version wrote
      }
      return Optional.of(new NodeState(name, start, sequence, unhealthy, linkDown, drained,
          leaving, eligibleFor, pools, standby, unservable, wire));
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
