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
 * <p>Buffers on the per-frame paths ({@link #recv}, {@link #send}) are passed as raw addresses so
 * that no call allocates. Every call saves {@code errno}: read it with {@link #errno()} right after
 * the call, on the same thread.
 */
@SaveError
interface LibC {

  /** The one binding, loaded on first use. */
  LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

  /** The jnr runtime the binding belongs to (for memory and errno). */
  Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

  // Address and protocol families, socket types and flags (x86_64/aarch64 Linux values).
  int AF_INET6 = 10;
  int AF_PACKET = 17;
  int SOCK_DGRAM = 2;
  int SOCK_RAW = 3;
  int SOCK_NONBLOCK = 0x800;
  int SOCK_CLOEXEC = 0x80000;

  // Socket option levels and names.
  int SOL_SOCKET = 1;
  int SO_ATTACH_FILTER = 26;
  int SOL_PACKET = 263;
  int PACKET_STATISTICS = 6;
  int PACKET_IGNORE_OUTGOING = 23;
  int IPPROTO_IPV6 = 41;
  int IPV6_ADD_MEMBERSHIP = 20;
  int IPV6_DROP_MEMBERSHIP = 21;

  /** Report the real length of a frame larger than the buffer (packet sockets). */
  int MSG_TRUNC = 0x20;

  /** {@code ioctl} request: the interface's hardware address ({@code struct ifreq}). */
  long SIOCGIFHWADDR = 0x8927;
  /** {@code ioctl} request: the interface's MTU ({@code struct ifreq}). */
  long SIOCGIFMTU = 0x8921;
  /** {@code sizeof(struct ifreq)}. */
  int IFREQ_SIZE = 40;
  /** {@code IFNAMSIZ}, including the terminating NUL. */
  int IFNAMSIZ = 16;

  // errno values.
  int EINTR = 4;
  int EAGAIN = 11;
  int EPERM = 1;
  int EACCES = 13;

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

  /** The errno saved by the last call on this thread. */
  static int errno() {
    return RUNTIME.getLastError();
  }

  /** The text of the errno saved by the last call on this thread. */
  static String lastError() {
    return INSTANCE.strerror(errno());
  }
}
