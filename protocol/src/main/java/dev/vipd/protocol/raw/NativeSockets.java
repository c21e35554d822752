package dev.vipd.protocol.raw;

import dev.vipd.protocol.spi.SocketFilter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Set-up calls shared by the raw sockets: kernel structs built in native memory, and errors that
 * say what failed and what to do. Nothing here runs per frame.
 */
final class NativeSockets {
  private static final LibC.Api LIBC = LibC.INSTANCE;

  private static final int SOCKADDR_LL_SIZE = 20;
  private static final int SOCK_FILTER_SIZE = 8;
  private static final int SOCK_FPROG_SIZE = 16;

  private NativeSockets() {}

  /** The interface's index in the calling thread's network namespace. */
  static int interfaceIndex(String interfaceName) {
    if (interfaceName.isEmpty()
        || interfaceName.getBytes(StandardCharsets.US_ASCII).length >= LibC.IFNAMSIZ) {
      throw new IllegalArgumentException(
          "invalid interface name: '" + interfaceName + "' (expected: 1-15 characters)");
    }
    int index = LIBC.if_nametoindex(interfaceName);
    if (index == 0) {
      throw new IllegalArgumentException("interface " + interfaceName + " not found");
    }
    return index;
  }

  /** A bound packet socket and what {@link #openPacket} read about its interface. */
  record Opened(int fd, int interfaceIndex, long mac, int mtu) {}

  /**
   * Opens a non-blocking {@code AF_PACKET} socket in the calling thread's namespace, attaches
   * {@code filter} and only then binds it to {@code etherType} on the interface (so it never
   * queues a frame the filter would refuse), ignores its own outgoing frames and reads the MAC
   * and MTU. Closes the descriptor again if any step fails.
   */
  static Opened openPacket(String interfaceName, int etherType, SocketFilter filter, String what)
      throws IOException {
    int index = interfaceIndex(interfaceName);
    int fd = LIBC.socket(
        LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw failure(what);
    }
    try {
      attachFilter(fd, filter, what);
      setInt(fd, LibC.SOL_PACKET, LibC.PACKET_IGNORE_OUTGOING, 1, what + ": PACKET_IGNORE_OUTGOING");
      bind(fd, index, etherType, what);
      return new Opened(
          fd, index, hardwareAddress(fd, interfaceName, what), mtu(fd, interfaceName, what));
    } catch (IOException | RuntimeException e) {
      closeQuietly(fd);
      throw e;
    }
  }

  /** An I/O error for a failed call, from the errno just saved on this thread. */
  static IOException failure(String what) {
    int errno = LibC.errno();
    String hint = errno == LibC.EPERM || errno == LibC.EACCES ? " (vipd needs CAP_NET_RAW)" : "";
    return new IOException(what + ": " + LIBC.strerror(errno) + hint);
  }

  /** Binds a packet socket to one EtherType on one interface ({@code struct sockaddr_ll}). */
  static void bind(int fd, int interfaceIndex, int etherType, String what) throws IOException {
    Pointer address = Memory.allocateDirect(LibC.RUNTIME, SOCKADDR_LL_SIZE, true);
    address.putShort(0, (short) LibC.AF_PACKET); // sll_family, host order
    address.putByte(2, (byte) (etherType >>> 8)); // sll_protocol, network order
    address.putByte(3, (byte) etherType);
    address.putInt(4, interfaceIndex); // sll_ifindex
    if (LIBC.bind(fd, address, SOCKADDR_LL_SIZE) != 0) {
      throw failure(what + ": bind");
    }
  }

  /** Sets an {@code int} socket option. */
  static void setInt(int fd, int level, int option, int value, String what) throws IOException {
    Pointer p = Memory.allocateDirect(LibC.RUNTIME, 4, true);
    p.putInt(0, value);
    if (LIBC.setsockopt(fd, level, option, p, 4) != 0) {
      throw failure(what);
    }
  }

  /** Attaches (or atomically replaces) the socket's classic BPF program. */
  static void attachFilter(int fd, SocketFilter filter, String what) throws IOException {
    int n = filter.length();
    Pointer program = Memory.allocateDirect(LibC.RUNTIME, n * SOCK_FILTER_SIZE, true);
    for (int i = 0; i < n; i++) {
      long at = (long) i * SOCK_FILTER_SIZE;
      program.putShort(at, (short) filter.code(i));
      program.putByte(at + 2, (byte) filter.jt(i));
      program.putByte(at + 3, (byte) filter.jf(i));
      program.putInt(at + 4, filter.k(i));
    }
    Pointer fprog = Memory.allocateDirect(LibC.RUNTIME, SOCK_FPROG_SIZE, true);
    fprog.putShort(0, (short) n); // len; 6 bytes of padding; then the pointer
    fprog.putAddress(8, program.address());
    int rc = LIBC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, fprog, SOCK_FPROG_SIZE);
    if (rc != 0) {
      throw failure(what + ": attaching a " + n + "-instruction BPF filter");
    }
  }

  /** The interface's hardware address as a 48-bit value ({@code SIOCGIFHWADDR}). */
  static long hardwareAddress(int fd, String interfaceName, String what) throws IOException {
    Pointer ifreq = ifreq(interfaceName);
    if (LIBC.ioctl(fd, LibC.SIOCGIFHWADDR, ifreq) != 0) {
      throw failure(what + ": reading the hardware address");
    }
    long mac = 0;
    for (int i = 0; i < 6; i++) {
      mac = mac << 8 | (ifreq.getByte(18 + i) & 0xff); // ifr_hwaddr.sa_data
    }
    return mac;
  }

  /** The interface's MTU ({@code SIOCGIFMTU}). */
  static int mtu(int fd, String interfaceName, String what) throws IOException {
    Pointer ifreq = ifreq(interfaceName);
    if (LIBC.ioctl(fd, LibC.SIOCGIFMTU, ifreq) != 0) {
      throw failure(what + ": reading the MTU");
    }
    return ifreq.getInt(16); // ifr_mtu
  }

  private static Pointer ifreq(String interfaceName) {
    Pointer ifreq = Memory.allocateDirect(LibC.RUNTIME, LibC.IFREQ_SIZE, true);
    byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
    ifreq.put(0, name, 0, name.length); // ifr_name, NUL-terminated by the zeroed memory
    return ifreq;
  }

  /**
   * Reads and thereby resets the socket's {@code PACKET_STATISTICS} ({@code struct
   * tpacket_stats}): frames received and dropped since the last read, or null on failure (errno
   * saved).
   */
  static long[] packetStatistics(int fd) {
    Pointer stats = Memory.allocateDirect(LibC.RUNTIME, 8, true);
    Pointer length = Memory.allocateDirect(LibC.RUNTIME, 4, true);
    length.putInt(0, 8);
    if (LIBC.getsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_STATISTICS, stats, length) != 0) {
      return null;
    }
    return new long[] {
      Integer.toUnsignedLong(stats.getInt(0)), // tp_packets
      Integer.toUnsignedLong(stats.getInt(4)) // tp_drops
    };
  }

  /** The native address of a direct buffer's first byte. */
  static long address(ByteBuffer direct) {
    if (!direct.isDirect()) {
      throw new IllegalArgumentException("not a direct buffer: " + direct);
    }
    return Pointer.wrap(LibC.RUNTIME, direct).address();
  }

  /** Closes a descriptor during a failed set-up, keeping the original error. */
  static void closeQuietly(int fd) {
    LIBC.close(fd);
  }
}
