package dev.vipd.protocol.raw;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * vipd's one libc binding (jnr-ffi): the few calls the raw sockets need, plus {@code sendto} for
 * the daemon's {@code AF_UNIX} datagram socket (sd_notify), which the JDK cannot open. Public for
 * that one use outside this package; everything else stays package-private.
 *
 * <p>Buffers on the per-frame paths ({@link Api#recv}, {@link Api#send}) are passed as raw addresses so
 * that no call allocates. Every call saves {@code errno}: read it with {@link #errno()} right after
 * the call, on the same thread.
 */
public final class LibC {

  /** The calls. Public only because jnr-ffi implements it from another class loader. */
  @SaveError
  public interface Api {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In Pointer address, int addressLength);

    int setsockopt(int fd, int level, int option, @In Pointer value, int valueLength);

    int getsockopt(int fd, int level, int option, @Out Pointer value, Pointer valueLength);

    @ssize_t
    long recv(int fd, @intptr_t long buffer, @size_t long length, int flags);

    @ssize_t
    long send(int fd, @intptr_t long buffer, @size_t long length, int flags);

    @ssize_t
    long sendto(
        int fd, @In byte[] buffer, @size_t long length, int flags, @In Pointer to, int toLength);

    int close(int fd);

    /** Returns 0 when no interface has that name. */
    int if_nametoindex(String name);

    int ioctl(int fd, long request, Pointer argument);

    String strerror(int errno);
  }

  /** The one binding, loaded on first use. */
  public static final Api INSTANCE = LibraryLoader.create(Api.class).load("c");

  /** The jnr runtime the binding belongs to (for memory and errno). */
  public static final Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

  // Address and protocol families, socket types and flags (x86_64/aarch64 Linux values).
  public static final int AF_UNIX = 1;
  static final int AF_INET6 = 10;
  static final int AF_PACKET = 17;
  public static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;

  // Socket option levels and names.
  static final int SOL_SOCKET = 1;
  static final int SO_ATTACH_FILTER = 26;
  static final int SOL_PACKET = 263;
  static final int PACKET_STATISTICS = 6;
  static final int PACKET_IGNORE_OUTGOING = 23;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_ADD_MEMBERSHIP = 20;
  static final int IPV6_DROP_MEMBERSHIP = 21;

  /** Never raise SIGPIPE in the JVM if the receiver of a send went away. */
  public static final int MSG_NOSIGNAL = 0x4000;

  /** Report the real length of a frame larger than the buffer (packet sockets). */
  static final int MSG_TRUNC = 0x20;

  /** {@code ioctl} request: the interface's hardware address ({@code struct ifreq}). */
  static final long SIOCGIFHWADDR = 0x8927;
  /** {@code ioctl} request: the interface's MTU ({@code struct ifreq}). */
  static final long SIOCGIFMTU = 0x8921;
  /** {@code sizeof(struct ifreq)}. */
  static final int IFREQ_SIZE = 40;
  /** {@code IFNAMSIZ}, including the terminating NUL. */
  static final int IFNAMSIZ = 16;

  // errno values.
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EPERM = 1;
  static final int EACCES = 13;

  /** The errno saved by the last call on this thread. */
  public static int errno() {
    return RUNTIME.getLastError();
  }

  /** The text of the errno saved by the last call on this thread. */
  public static String lastError() {
    return INSTANCE.strerror(errno());
  }

  private LibC() {}
}
