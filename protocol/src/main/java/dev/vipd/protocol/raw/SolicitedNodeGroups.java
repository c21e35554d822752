package dev.vipd.protocol.raw;

import dev.vipd.protocol.spi.GroupMembership;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Membership of one interface in the solicited-node multicast groups ({@code ff02::1:ffXX:XXXX})
 * of the IPv6 VIPs this host answers for.
 *
 * <p>Joining with {@code IPV6_ADD_MEMBERSHIP} on an {@code AF_INET6} socket makes the kernel send
 * a real MLD report, so that bridges and switches with MLD snooping forward Neighbor Solicitations
 * for the VIP to this host ({@code PACKET_ADD_MEMBERSHIP} on the packet socket sends none). Several
 * VIPs can share a group: each group is joined once and left when its last VIP leaves.
 *
 * <p>Beyond {@code net.core.optmem_max}: each membership costs socket option memory, and the
 * kernel refuses more groups than {@code optmem_max} allows on one socket (ENOBUFS/ENOMEM; ~340
 * with the old 20 KiB default, over 1,500 with 128 KiB). A refused join opens one more socket and
 * joins there, up to {@link #MAX_SOCKETS} sockets; a socket that refused a join is tried again
 * only after one of its groups was left. Chosen over the alternatives because it keeps the MLD
 * reports (snooping switches go on forwarding): {@code PACKET_MR_ALLMULTI} sends no report and
 * makes the NIC deliver every multicast frame of the segment, and raising {@code optmem_max} is a
 * host-wide setting that is not vipd's to change. The price is one descriptor per ~340 groups
 * at worst; measured in {@code SolicitedNodeGroupsIT}: 3,000 groups take 9 sockets with a 20 KiB
 * limit and 2 with 128 KiB, joined in ~75 ms either way.
 *
 * <p>Sockets are opened on the calling thread of {@link #open} and {@link #join}, in its network
 * namespace (the daemon joins from the namespace it opened the interface in). Thread-safe.
 */
public final class SolicitedNodeGroups implements GroupMembership {
  /** Bounds the descriptors a runaway (real memory exhaustion) can take: 64 x ~340 groups. */
  public static final int MAX_SOCKETS = 64;

  private static final LibC.Api LIBC = LibC.INSTANCE;
  private static final int IPV6_MREQ_SIZE = 20;
  private static final int ENOMEM = 12;
  private static final int ENOBUFS = 105;

  private final String interfaceName;
  private final int interfaceIndex;
  private final List<Membership> sockets = new ArrayList<>(); // guarded by this
  private final Map<Inet6Address, Member> members = new HashMap<>(); // guarded by this
  private boolean closed; // guarded by this

  /** One AF_INET6 socket and whether the kernel refused it a group since its last leave. */
  private static final class Membership {
    final int fd;
    boolean full;

    Membership(int fd) {
      this.fd = fd;
    }
  }

  /** A joined group: the socket holding it and the VIPs sharing it. */
  private static final class Member {
    final Membership socket;
    int count;

    Member(Membership socket) {
      this.socket = socket;
    }
  }

  private SolicitedNodeGroups(String interfaceName, int interfaceIndex) {
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
  }

  /**
   * Opens the first membership socket for {@code interfaceName} in the calling thread's namespace.
   *
   * @throws IllegalArgumentException if the interface does not exist
   */
  public static SolicitedNodeGroups open(String interfaceName) throws IOException {
    SolicitedNodeGroups groups =
        new SolicitedNodeGroups(interfaceName, NativeSockets.interfaceIndex(interfaceName));
    groups.sockets.add(new Membership(groups.openSocket()));
    return groups;
  }
  /** The solicited-node multicast group of {@code address}: ff02::1:ff and its low 24 bits. */
  public static Inet6Address groupOf(Inet6Address address) {
    byte[] a = address.getAddress();
    byte[] g = new byte[16];
    g[0] = (byte) 0xff;
    g[1] = 0x02;
    g[11] = 0x01;
    g[12] = (byte) 0xff;
    g[13] = a[13];
    g[14] = a[14];
    g[15] = a[15];
    try {
      return (Inet6Address) InetAddress.getByAddress(g);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
    }
  }

  /**
   * Joins the solicited-node group of {@code vip} (once per group, counted per call), on another
   * socket when the ones open are full.
   *
   * @throws UncheckedIOException if the kernel refuses the membership on a fresh socket too
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void join(Inet6Address vip) {
    Inet6Address group = groupOf(Objects.requireNonNull(vip, "vip"));
    if (closed) {
      throw new IllegalStateException("multicast socket on " + interfaceName + " is closed");
    }
    Member member = members.get(group);
    if (member == null) {
      member = new Member(joinSomewhere(group));
      members.put(group, member);
    }
    member.count++;
  }

  private Membership joinSomewhere(Inet6Address group) {
    for (Membership socket : sockets) {
      if (!socket.full) {
        int errno = membership(socket.fd, LibC.IPV6_ADD_MEMBERSHIP, group);
        if (errno == 0) {
          return socket;
        }
        if (errno != ENOMEM && errno != ENOBUFS) {
          throw failure(errno, "joining", group);
        }
        socket.full = true;
      }
    }
    if (sockets.size() == MAX_SOCKETS) {
      throw failure(ENOBUFS, "joining", group);
    }
    Membership fresh;
    try {
      fresh = new Membership(openSocket());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sockets.add(fresh);
    int errno = membership(fresh.fd, LibC.IPV6_ADD_MEMBERSHIP, group);
    if (errno != 0) {
      throw failure(errno, "joining", group);
    }
    return fresh;
  }

  /**
   * Undoes one {@link #join} of {@code vip}; the group is left with its last VIP. Does nothing
   * for a VIP that was not joined, or after close.
   *
   * @throws UncheckedIOException if the kernel refuses to drop the membership
   */
  public synchronized void leave(Inet6Address vip) {
    Inet6Address group = groupOf(Objects.requireNonNull(vip, "vip"));
    Member member = members.get(group);
    if (closed || member == null) {
      return;
    }
    if (--member.count > 0) {
      return;
    }
    members.remove(group);
    member.socket.full = false;
    int errno = membership(member.socket.fd, LibC.IPV6_DROP_MEMBERSHIP, group);
    if (errno != 0) {
      throw failure(errno, "leaving", group);
    }
  }

  /** The groups currently joined. */
  public synchronized List<Inet6Address> groups() {
    return new ArrayList<>(members.keySet());
  }

  /** The membership sockets open now (one more each time the open ones are full). */
  public synchronized int sockets() {
    return sockets.size();
  }

  /** Leaves every group (the kernel reports the leaves) and closes the sockets. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Closing a socket drops its memberships anyway; leaving first is only the polite order.
    members.forEach((group, member) ->
        membership(member.socket.fd, LibC.IPV6_DROP_MEMBERSHIP, group));
    members.clear();
    sockets.forEach(socket -> LIBC.close(socket.fd));
    sockets.clear();
  }

  private int openSocket() throws IOException {
    int fd = LIBC.socket(LibC.AF_INET6, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw NativeSockets.failure("opening a multicast socket on " + interfaceName);
    }
    return fd;
  }

  /** One membership change; returns 0 or the errno. */
  private int membership(int fd, int option, Inet6Address group) {
    Pointer mreq = Memory.allocateDirect(LibC.RUNTIME, IPV6_MREQ_SIZE, true);
    byte[] address = group.getAddress();
    mreq.put(0, address, 0, address.length); // ipv6mr_multiaddr
    mreq.putInt(16, interfaceIndex); // ipv6mr_interface
    return LIBC.setsockopt(fd, LibC.IPPROTO_IPV6, option, mreq, IPV6_MREQ_SIZE) == 0
        ? 0 : LibC.errno();
  }

  private UncheckedIOException failure(int errno, String what, Inet6Address group) {
    return new UncheckedIOException(new IOException(what + " " + group.getHostAddress() + " on "
        + interfaceName + " (" + sockets.size() + " sockets, " + members.size() + " groups): "
        + LIBC.strerror(errno)));
  }
}
