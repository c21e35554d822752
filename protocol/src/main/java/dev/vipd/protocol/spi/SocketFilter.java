package dev.vipd.protocol.spi;

import java.util.Arrays;

/**
 * A classic BPF program ({@code struct sock_filter[]}) in host order, ready for {@code
 * SO_ATTACH_FILTER}. Each instruction is {@code code} (16 bits), {@code jt}, {@code jf} (8 bits
 * each) and {@code k} (32 bits).
 */
public final class SocketFilter {
  /** The kernel's limit on classic BPF program length ({@code BPF_MAXINSNS}). */
  public static final int MAX_INSTRUCTIONS = 4096;

  private final short[] code;
  private final byte[] jt;
  private final byte[] jf;
  private final int[] k;

  private SocketFilter(short[] code, byte[] jt, byte[] jf, int[] k) {
    this.code = code;
    this.jt = jt;
    this.jf = jf;
    this.k = k;
  }

  /** Number of instructions. */
  public int length() {
    return code.length;
  }

  public int code(int i) {
    return code[i] & 0xffff;
  }

  public int jt(int i) {
    return jt[i] & 0xff;
  }

  public int jf(int i) {
    return jf[i] & 0xff;
  }

  public int k(int i) {
    return k[i];
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Appends instructions; jump offsets are relative, as in the kernel. */
  public static final class Builder {
    private short[] code = new short[16];
    private byte[] jt = new byte[16];
    private byte[] jf = new byte[16];
    private int[] k = new int[16];
    private int size;

    /** Adds one instruction and returns its index. */
    public int add(int opcode, int jumpTrue, int jumpFalse, int constant) {
      if (jumpTrue < 0 || jumpTrue > 255 || jumpFalse < 0 || jumpFalse > 255) {
        throw new IllegalArgumentException(
            "invalid jump: " + jumpTrue + "/" + jumpFalse + " (expected: 0-255)");
      }
      if (size == MAX_INSTRUCTIONS) {
        throw new IllegalStateException("BPF program longer than " + MAX_INSTRUCTIONS);
      }
      if (size == code.length) {
        int n = size * 2;
        code = Arrays.copyOf(code, n);
        jt = Arrays.copyOf(jt, n);
        jf = Arrays.copyOf(jf, n);
        k = Arrays.copyOf(k, n);
      }
      code[size] = (short) opcode;
      jt[size] = (byte) jumpTrue;
      jf[size] = (byte) jumpFalse;
      k[size] = constant;
      return size++;
    }

    public int size() {
      return size;
    }

    /** Sets the jump offsets of an instruction already added (for forward jumps). */
    public void patch(int index, int jumpTrue, int jumpFalse) {
      if (jumpTrue < 0 || jumpTrue > 255 || jumpFalse < 0 || jumpFalse > 255) {
        throw new IllegalArgumentException(
            "invalid jump: " + jumpTrue + "/" + jumpFalse + " (expected: 0-255)");
      }
      jt[index] = (byte) jumpTrue;
      jf[index] = (byte) jumpFalse;
    }

    /** Sets the constant of an instruction already added (for a forward {@code ja}). */
    public void patchConstant(int index, int constant) {
      if (index < 0 || index >= size) {
        throw new IllegalArgumentException(
            "invalid instruction index: " + index + " (expected: 0-" + (size - 1) + ")");
      }
      k[index] = constant;
    }

    public SocketFilter build() {
      if (size == 0) {
        throw new IllegalStateException("empty BPF program");
      }
      return new SocketFilter(
          Arrays.copyOf(code, size), Arrays.copyOf(jt, size), Arrays.copyOf(jf, size),
          Arrays.copyOf(k, size));
    }
  }
}
