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
 * <p>The socket is opened on the calling thread, in its network namespace. Each membership costs
 * socket option memory: the kernel refuses more groups than {@code net.core.optmem_max} allows on
 * one socket (a few hundred with the defaults), and {@link #join} then fails. Thread-safe.
 */
public final class SolicitedNodeGroups implements GroupMembership {
  private static final LibC.Api LIBC = LibC.INSTANCE;
  private static final int IPV6_MREQ_SIZE = 20;

  private final String interfaceName;
  private final int interfaceIndex;
  private final int fd;
  private final Map<Inet6Address, Integer> members = new HashMap<>(); // guarded by this
  private boolean closed; // guarded by this

  private SolicitedNodeGroups(String interfaceName, int interfaceIndex, int fd) {
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
    this.fd = fd;
  }

  /**
   * Opens the membership socket for {@code interfaceName} in the calling thread's namespace.
   *
   * @throws IllegalArgumentException if the interface does not exist
   */
  public static SolicitedNodeGroups open(String interfaceName) throws IOException {
    int index = NativeSockets.interfaceIndex(interfaceName);
    int fd = LIBC.socket(LibC.AF_INET6, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw NativeSockets.failure("opening the multicast socket on " + interfaceName);
    }
    return new SolicitedNodeGroups(interfaceName, index, fd);
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
   * Joins the solicited-node group of {@code vip} (once per group, counted per call).
   *
   * @throws UncheckedIOException if the kernel refuses the membership
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void join(Inet6Address vip) {
    Inet6Address group = groupOf(Objects.requireNonNull(vip, "vip"));
    if (closed) {
      throw new IllegalStateException("multicast socket on " + interfaceName + " is closed");
    }
    int count = members.getOrDefault(group, 0);
    if (count == 0) {
      membership(LibC.IPV6_ADD_MEMBERSHIP, group, "joining");
    }
    members.put(group, count + 1);
  }

  /**
   * Undoes one {@link #join} of {@code vip}; the group is left with its last VIP. Does nothing
   * for a VIP that was not joined, or after close.
   *
   * @throws UncheckedIOException if the kernel refuses to drop the membership
   */
  public synchronized void leave(Inet6Address vip) {
    Inet6Address group = groupOf(Objects.requireNonNull(vip, "vip"));
    Integer count = members.get(group);
    if (closed || count == null) {
      return;
    }
    if (count > 1) {
      members.put(group, count - 1);
      return;
    }
    members.remove(group);
    membership(LibC.IPV6_DROP_MEMBERSHIP, group, "leaving");
  }

  /** The groups currently joined. */
  public synchronized List<Inet6Address> groups() {
    return new ArrayList<>(members.keySet());
  }

  /** Leaves every group (the kernel reports the leaves) and closes the socket. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Inet6Address group : members.keySet()) {
      try {
        membership(LibC.IPV6_DROP_MEMBERSHIP, group, "leaving");
      } catch (UncheckedIOException e) {
        // Closing the socket drops the membership anyway.
      }
    }
    members.clear();
    LIBC.close(fd);
  }

  private void membership(int option, Inet6Address group, String what) {
    Pointer mreq = Memory.allocateDirect(LibC.RUNTIME, IPV6_MREQ_SIZE, true);
    byte[] address = group.getAddress();
    mreq.put(0, address, 0, address.length); // ipv6mr_multiaddr
    mreq.putInt(16, interfaceIndex); // ipv6mr_interface
    if (LIBC.setsockopt(fd, LibC.IPPROTO_IPV6, option, mreq, IPV6_MREQ_SIZE) != 0) {
      throw new UncheckedIOException(NativeSockets.failure(
          what + " " + group.getHostAddress() + " on " + interfaceName));
    }
  }
}
