package dev.vipd.cluster.election;

import java.util.Arrays;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * The eligible nodes of one pool, grouped by load so that picking the least-loaded node for a VIP
 * costs {@code O(log B + T)}: B distinct load levels, T nodes tied at the lowest one (only those
 * are hashed).
 *
 * <p>A node's level is its load across all pools first, then its load in this pool (the latter
 * keeps each pool spread when several pools share the same nodes). Ties go to the highest {@link
 * Rendezvous#weight}, then to the smallest name.
 */
final class LoadQueue {
  private final TreeMap<Long, Bucket> levels = new TreeMap<>();
  private final int[] globalLoad;
  private final int[] poolLoad;
  private final long[] nodeKeys;
  private final String[] names;
  private final int[] slot;

  /**
   * Queues {@code candidates} (node indexes). {@code globalLoad} is shared with the caller and
   * updated here as nodes are charged; {@code poolLoad} is this pool's load per node index.
   */
  LoadQueue(int[] candidates, int[] globalLoad, int[] poolLoad, long[] nodeKeys, String[] names) {
    this.globalLoad = globalLoad;
    this.poolLoad = poolLoad;
    this.nodeKeys = nodeKeys;
    this.names = names;
    this.slot = new int[names.length];
    for (int node : candidates) {
      insert(node);
    }
  }

  boolean isEmpty() {
    return levels.isEmpty();
  }

  /**
   * Picks the node for a VIP with rendezvous key {@code vipKey}, charges it, returns it (-1 if
   * none).
   */
  int take(long vipKey) {
    return take(vipKey, node -> true);
  }

  /**
   * As {@link #take(long)}, among the nodes {@code allowed} accepts: the lowest level that has
   * one wins (the first level, unless a node there cannot take this VIP).
   */
  int take(long vipKey, IntPredicate allowed) {
    for (Bucket tied : levels.values()) {
      int best = -1;
      long bestWeight = 0;
      for (int i = 0; i < tied.size; i++) {
        int node = tied.nodes[i];
        if (!allowed.test(node)) {
          continue;
        }
        long weight = Rendezvous.weight(nodeKeys[node], vipKey);
        if (best < 0 || weight > bestWeight
            || (weight == bestWeight && names[node].compareTo(names[best]) < 0)) {
          best = node;
          bestWeight = weight;
        }
      }
      if (best >= 0) {
        charge(best);
        return best;
      }
    }
    return -1;
  }

  /** Adds one VIP to a queued node's load (for a VIP placed on it for another reason). */
  void charge(int node) {
    Long level = level(node);
    Bucket bucket = levels.get(level);
    bucket.remove(node, slot);
    if (bucket.size == 0) {
      levels.remove(level);
    }
    globalLoad[node]++;
    poolLoad[node]++;
    insert(node);
  }

  private void insert(int node) {
    levels.computeIfAbsent(level(node), l -> new Bucket()).add(node, slot);
  }

  private Long level(int node) {
    return ((long) globalLoad[node] << 32) | poolLoad[node];
  }

  /** Node indexes at one level, unordered; removal swaps in the last one. */
  private static final class Bucket {
    int[] nodes = new int[4];
    int size;

    void add(int node, int[] slot) {
      if (size == nodes.length) {
        nodes = Arrays.copyOf(nodes, size * 2);
      }
      slot[node] = size;
      nodes[size++] = node;
    }

    void remove(int node, int[] slot) {
      int at = slot[node];
      int last = nodes[--size];
      nodes[at] = last;
      slot[last] = at;
    }
  }
}
