package dev.vipd.protocol.raw;

import dev.vipd.protocol.spi.SocketFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits classic-BPF code that tests whether the 32-bit value in the accumulator is in a set. On a
 * match the code returns {@link BpfFilters#ACCEPT}; on a miss it falls through to the first
 * instruction after it. Two forms:
 *
 * <ul>
 *   <li>{@link #exact}: a balanced binary search over the sorted values ({@code jge} splits,
 *       leaves of {@link #LEAF} {@code jeq}s). About 1.4 instructions per value, so up to
 *       ~2,900 values fit one program; a frame runs about {@code 2 log2(n / 8) + 8} of them, where
 *       a linear list ran up to n.
 *   <li>{@link #hashed}: a bitmap of {@code 2^bits} buckets indexed by a multiplicative hash of
 *       the value, its 32-bit words found by the same kind of binary search over the word index
 *       (all-zero subtrees collapse to one jump). About 3 instructions per 32 buckets, whatever
 *       the number of values. Never a false negative; false positives are the fraction of set
 *       buckets (about {@code 1 - e^(-n / 2^bits)}), which user space rejects with its exact
 *       check.
 * </ul>
 *
 * <p>Jumps: conditional jumps have 8-bit offsets, so a split whose left subtree is longer than
 * 255 instructions jumps to its right subtree through a {@code ja} (32-bit offset). All jumps go
 * forward, as the kernel requires.
 */
final class BpfSetMatcher {
  /** Values per exact leaf: 8 {@code jeq}s cost as much as the 3 splits they save. */
  static final int LEAF = 8;
  /** 2^32 divided by the golden ratio: spreads runs of consecutive addresses over the buckets. */
  static final int HASH_MULTIPLIER = 0x9E3779B1;

  // Opcodes beyond BpfFilters' (linux/filter.h): class | op | source.
  static final int LD_IMM = 0x00;
  static final int LDX_MEM = 0x61;
  static final int ST = 0x02;
  static final int ALU_MUL_K = 0x24;
  static final int ALU_AND_K = 0x54;
  static final int ALU_RSH_K = 0x74;
  static final int ALU_RSH_X = 0x7c;
  static final int TAX = 0x07;
  static final int TXA = 0x87;
  static final int JA = 0x05;
  static final int JGE_K = 0x35;
  private static final int MAX_JUMP = 255;
  /** Scratch memory word holding the bit number while the word is looked up. */
  private static final int SCRATCH = 0;

  private BpfSetMatcher() {}

  /** The bucket of {@code value} in a {@code 2^bits} bitmap, exactly as the emitted code does. */
  static int bucket(int value, int bits) {
    return (value * HASH_MULTIPLIER) >>> (32 - bits);
  }

  /** Emits the exact test. {@code values} need not be sorted or distinct; at least one. */
  static void exact(SocketFilter.Builder b, int[] values) {
    long[] sorted = Arrays.stream(values).mapToLong(Integer::toUnsignedLong).distinct().sorted()
        .toArray();
    List<Integer> misses = new ArrayList<>();
    new Exact(sorted).emit(b, 0, sorted.length, misses);
    resolve(b, misses, b.size());
  }

  /** Emits the hashed prefilter with {@code 2^bits} buckets, 5-20 bits. */
  static void hashed(SocketFilter.Builder b, int[] values, int bits) {
    if (bits < 5 || bits > 20) {
      throw new IllegalArgumentException("invalid bitmap size: 2^" + bits + " (expected: 2^5-2^20)");
    }
    int[] bitmap = new int[1 << (bits - 5)];
    for (int value : values) {
      int h = bucket(value, bits);
      bitmap[h >>> 5] |= 1 << (h & 31);
    }
    b.add(ALU_MUL_K, 0, 0, HASH_MULTIPLIER);
    b.add(ALU_RSH_K, 0, 0, 32 - bits); // A = bucket
    b.add(TAX, 0, 0, 0);
    b.add(ALU_AND_K, 0, 0, 31);
    b.add(ST, 0, 0, SCRATCH); // M[0] = bit within the word
    b.add(TXA, 0, 0, 0);
    b.add(ALU_RSH_K, 0, 0, 5); // A = word index
    List<Integer> tests = new ArrayList<>();
    List<Integer> misses = new ArrayList<>();
    new Words(bitmap).emit(b, 0, bitmap.length, tests, misses);
    int test = b.size();
    b.add(LDX_MEM, 0, 0, SCRATCH); // A holds the word here
    b.add(ALU_RSH_X, 0, 0, 0);
    b.add(ALU_AND_K, 0, 0, 1);
    b.add(BpfFilters.JEQ_K, 1, 0, 0);
    b.add(BpfFilters.RET_K, 0, 0, BpfFilters.ACCEPT);
    resolve(b, tests, test);
    resolve(b, misses, b.size());
  }

  /** Points every {@code ja} in {@code jumps} at {@code target}. */
  private static void resolve(SocketFilter.Builder b, List<Integer> jumps, int target) {
    for (int ja : jumps) {
      b.patchConstant(ja, target - ja - 1);
    }
  }

  /**
   * Emits a split on {@code A >= split}: the left part runs when it is false. Returns the index of
   * the {@code ja} to patch to the right part's start, or -1 when the jump is short.
   */
  private static int split(SocketFilter.Builder b, int split, int leftSize) {
    if (leftSize <= MAX_JUMP) {
      b.add(JGE_K, leftSize, 0, split);
      return -1;
    }
    b.add(JGE_K, 0, 1, split);
    return b.add(JA, 0, 0, 0);
  }

  private static void rightStartsHere(SocketFilter.Builder b, int ja) {
    if (ja >= 0) {
      b.patchConstant(ja, b.size() - ja - 1);
    }
  }

  /** The binary search over sorted values. */
  private record Exact(long[] sorted) {
    void emit(SocketFilter.Builder b, int lo, int hi, List<Integer> misses) {
      int n = hi - lo;
      if (n <= LEAF) {
        for (int i = 0; i < n; i++) {
          b.add(BpfFilters.JEQ_K, n - i, 0, (int) sorted[lo + i]); // jt lands on the ret below
        }
        misses.add(b.add(JA, 0, 0, 0));
        b.add(BpfFilters.RET_K, 0, 0, BpfFilters.ACCEPT);
        return;
      }
      int mid = lo + leftPart(n);
      int ja = split(b, (int) sorted[mid], size(mid - lo));
      emit(b, lo, mid, misses);
      rightStartsHere(b, ja);
      emit(b, mid, hi, misses);
    }

    /** Instructions {@link #emit} produces for {@code n} values (the shape depends on n only). */
    static int size(int n) {
      if (n <= LEAF) {
        return n + 2;
      }
      int left = size(leftPart(n));
      return (left <= MAX_JUMP ? 1 : 2) + left + size(n - leftPart(n));
    }

    /** Half of the leaves, each full, go left: only the last leaf may hold fewer than 8. */
    static int leftPart(int n) {
      int leaves = (n + LEAF - 1) / LEAF;
      return leaves / 2 * LEAF;
    }
  }

  /** The binary search over the bitmap's word index; a leaf loads its word and jumps to test. */
  private record Words(int[] bitmap, Map<Long, Integer> sizes) {
    Words(int[] bitmap) {
      this(bitmap, new HashMap<>());
    }

    void emit(SocketFilter.Builder b, int lo, int hi, List<Integer> tests, List<Integer> misses) {
      if (allZero(lo, hi)) {
        misses.add(b.add(JA, 0, 0, 0));
        return;
      }
      if (hi - lo == 1) {
        b.add(LD_IMM, 0, 0, bitmap[lo]);
        tests.add(b.add(JA, 0, 0, 0));
        return;
      }
      int mid = lo + (hi - lo) / 2;
      int ja = split(b, mid, size(lo, mid));
      emit(b, lo, mid, tests, misses);
      rightStartsHere(b, ja);
      emit(b, mid, hi, tests, misses);
    }

    int size(int lo, int hi) {
      long key = ((long) lo << 32) | hi;
      Integer known = sizes.get(key);
      if (known != null) {
        return known;
      }
      int size;
      if (allZero(lo, hi)) {
        size = 1;
      } else if (hi - lo == 1) {
        size = 2;
      } else {
        int mid = lo + (hi - lo) / 2;
        int left = size(lo, mid);
        size = (left <= MAX_JUMP ? 1 : 2) + left + size(mid, hi);
      }
      sizes.put(key, size);
      return size;
    }

    private boolean allZero(int lo, int hi) {
      for (int i = lo; i < hi; i++) {
        if (bitmap[i] != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
