package dev.vipd.cluster.member;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a node publishes about the wire check (issue 13) inside its signed {@link NodeState}: the
 * MAC of each of its pool interfaces (so peers know whose answer is the owner's), the owners its
 * own checks found silent, and whether it suspects its own checks.
 *
 * @param poolMacs pool name to the MAC of this node's interface for it ({@code aa:bb:cc:dd:ee:ff})
 * @param silent the owners this node's checks found silent: no answer for {@code misses} rounds
 * @param suspect whether this node's own checks failed for every VIP it checked, whoever owned
 *     it: then it suspects itself rather than the owners, and its reports alone move nothing
 */
public record WireState(Map<String, String> poolMacs, Set<Silent> silent, boolean suspect) {

  /** Nothing known: a node that does not run the wire check. */
  public static final WireState NONE = new WireState(Map.of(), Set.of(), false);

  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

  /** More entries than any configuration holds is not a value vipd wrote. */
  private static final int MAX_ENTRIES = 1 << 16;

  /**
   * One report: the owner {@code node} (incarnation {@code startTimeMillis}: a restart clears it)
   * did not answer on {@code pool}'s link.
   */
  public record Silent(String pool, String node, long startTimeMillis) {
    public Silent {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(node, "node");
    }
  }

  public WireState {
    poolMacs = Map.copyOf(poolMacs);
    silent = Set.copyOf(silent);
    for (Map.Entry<String, String> e : poolMacs.entrySet()) {
      if (!MAC.matcher(e.getValue()).matches()) {
        throw new IllegalArgumentException("invalid MAC of pool " + e.getKey() + ": "
            + e.getValue() + " (expected: six lower-case hex pairs separated by colons)");
      }
    }
  }

  void write(DataOutputStream out) throws IOException {
    out.writeInt(poolMacs.size());
    for (Map.Entry<String, String> e : new TreeMap<>(poolMacs).entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    List<Silent> sorted = silent.stream().sorted(Comparator.comparing(Silent::pool)
        .thenComparing(Silent::node).thenComparingLong(Silent::startTimeMillis)).toList();
    out.writeInt(sorted.size());
    for (Silent s : sorted) {
      out.writeUTF(s.pool());
      out.writeUTF(s.node());
      out.writeLong(s.startTimeMillis());
    }
    out.writeBoolean(suspect);
  }

  static WireState read(DataInputStream in) throws IOException {
    int macs = count(in);
    Map<String, String> poolMacs = new TreeMap<>();
    for (int i = 0; i < macs; i++) {
      poolMacs.put(in.readUTF(), in.readUTF());
    }
    int reports = count(in);
    Set<Silent> silent = new HashSet<>();
    for (int i = 0; i < reports; i++) {
      silent.add(new Silent(in.readUTF(), in.readUTF(), in.readLong()));
    }
    return new WireState(poolMacs, silent, in.readBoolean());
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_ENTRIES) {
      throw new IOException("invalid count: " + n + " (expected: 0-" + MAX_ENTRIES + ")");
    }
    return n;
  }
}
