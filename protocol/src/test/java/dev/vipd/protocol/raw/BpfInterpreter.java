package dev.vipd.protocol.raw;

import dev.vipd.protocol.spi.SocketFilter;

/**
 * A minimal classic-BPF interpreter for tests: only the opcodes {@link BpfFilters} emits. Loads
 * beyond the frame end reject the frame, as the kernel does.
 */
final class BpfInterpreter {
  private BpfInterpreter() {}

  /** Runs {@code filter} over {@code frame} and returns the filter's verdict (bytes to keep). */
  static int run(SocketFilter filter, byte[] frame) {
    int a = 0;
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
            return 0;
          }
          a = (frame[k] & 0xff) << 24 | (frame[k + 1] & 0xff) << 16
              | (frame[k + 2] & 0xff) << 8 | frame[k + 3] & 0xff;
        }
        case 0x28 -> { // ldh [k]
          if (k + 2 > frame.length) {
            return 0;
          }
          a = (frame[k] & 0xff) << 8 | frame[k + 1] & 0xff;
        }
        case 0x30 -> { // ldb [k]
          if (k + 1 > frame.length) {
            return 0;
          }
          a = frame[k] & 0xff;
        }
        case 0x15 -> { // jeq #k
          pc += a == k ? filter.jt(pc) : filter.jf(pc);
        }
        case 0x25 -> { // jgt #k (unsigned)
          pc += Integer.compareUnsigned(a, k) > 0 ? filter.jt(pc) : filter.jf(pc);
        }
        case 0x06 -> { // ret #k
          return k;
        }
        default -> throw new IllegalArgumentException(
            "unsupported opcode: 0x" + Integer.toHexString(code) + " at " + pc);
      }
      pc++;
    }
    throw new IllegalStateException("program did not return");
  }
}
