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
 * The few libc calls vipd needs for raw sockets, bound with jnr-ffi.
 *
 * <p>Buffers on the per-frame paths ({@link Api#recv}, {@link Api#send}) are passed as raw addresses so
 * that no call allocates. Every call saves {@code errno}: read it with {@link #errno()} right after
 * the call, on the same thread.
 */
final class LibC {

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

    int close(int fd);

    /** Returns 0 when no interface has that name. */
    int if_nametoindex(String name);

    int ioctl(int fd, long request, Pointer argument);

    String strerror(int errno);
  }

  /** The one binding, loaded on first use. */
  static final Api INSTANCE = LibraryLoader.create(Api.class).load("c");

  /** The jnr runtime the binding belongs to (for memory and errno). */
  static final Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

  // Address and protocol families, socket types and flags (x86_64/aarch64 Linux values).
  static final int AF_INET6 = 10;
  static final int AF_PACKET = 17;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_NONBLOCK = 0x800;
  static final int SOCK_CLOEXEC = 0x80000;

  // Socket option levels and names.
  static final int SOL_SOCKET = 1;
  static final int SO_ATTACH_FILTER = 26;
  static final int SOL_PACKET = 263;
  static final int PACKET_STATISTICS = 6;
  static final int PACKET_IGNORE_OUTGOING = 23;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_ADD_MEMBERSHIP = 20;
  static final int IPV6_DROP_MEMBERSHIP = 21;

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
  static int errno() {
    return RUNTIME.getLastError();
  }

  /** The text of the errno saved by the last call on this thread. */
  static String lastError() {
    return INSTANCE.strerror(errno());
  }

  private LibC() {}
}
