package dev.vipd.protocol.raw;

import dev.vipd.protocol.spi.SocketFilter;

/**
 * A minimal classic-BPF interpreter for tests: only the opcodes {@link BpfFilters} emits. Loads
 * beyond the frame end reject the frame, as the kernel does; a jump is checked to go forward and
 * to stay inside the program, as the kernel's verifier does.
 */
final class BpfInterpreter {
  private BpfInterpreter() {}

  /** Runs {@code filter} over {@code frame} and returns the filter's verdict (bytes to keep). */
  static int run(SocketFilter filter, byte[] frame) {
    return runCounting(filter, frame)[0];
  }

  /** The verdict and the number of instructions run to reach it. */
  static int[] runCounting(SocketFilter filter, byte[] frame) {
    int a = 0;
    int x = 0;
    int[] m = new int[16];
    int pc = 0;
    for (int steps = 0; steps <= SocketFilter.MAX_INSTRUCTIONS; steps++) {
      if (pc >= filter.length()) {
        throw new IllegalStateException("fell off the end of the program at " + pc);
      }
      int code = filter.code(pc);
      int k = filter.k(pc);
      switch (code) {
        case 0x20 -> { // ld [k]
          if (k + 4 > frame.length) {
            return new int[] {0, steps + 1};
          }
          a = (frame[k] & 0xff) << 24 | (frame[k + 1] & 0xff) << 16
              | (frame[k + 2] & 0xff) << 8 | frame[k + 3] & 0xff;
        }
        case 0x28 -> { // ldh [k]
          if (k + 2 > frame.length) {
            return new int[] {0, steps + 1};
          }
          a = (frame[k] & 0xff) << 8 | frame[k + 1] & 0xff;
        }
        case 0x30 -> { // ldb [k]
          if (k + 1 > frame.length) {
            return new int[] {0, steps + 1};
          }
          a = frame[k] & 0xff;
        }
        case 0x15 -> { // jeq #k
          pc += a == k ? filter.jt(pc) : filter.jf(pc);
        }
        case 0x25 -> { // jgt #k (unsigned)
          pc += Integer.compareUnsigned(a, k) > 0 ? filter.jt(pc) : filter.jf(pc);
        }
        case 0x35 -> { // jge #k (unsigned)
          pc += Integer.compareUnsigned(a, k) >= 0 ? filter.jt(pc) : filter.jf(pc);
        }
        case 0x05 -> { // ja
          if (k < 0) {
            throw new IllegalStateException("backward jump at " + pc);
          }
          pc += k;
        }
        case 0x00 -> a = k; // ld #k
        case 0x02 -> m[k] = a; // st M[k]
        case 0x61 -> x = m[k]; // ldx M[k]
        case 0x24 -> a *= k; // mul #k
        case 0x54 -> a &= k; // and #k
        case 0x74 -> a >>>= k; // rsh #k
        case 0x7c -> a >>>= x; // rsh x
        case 0x07 -> x = a; // tax
        case 0x87 -> a = x; // txa
        case 0x06 -> { // ret #k
          return new int[] {k, steps + 1};
        }
        default -> throw new IllegalArgumentException(
            "unsupported opcode: 0x" + Integer.toHexString(code) + " at " + pc);
      }
      pc++;
      if (pc > filter.length()) {
        throw new IllegalStateException("jump beyond the end of the program to " + pc);
      }
    }
    throw new IllegalStateException("program did not return");
  }
}
