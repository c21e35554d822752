package dev.vipd.protocol.spi;

import java.net.Inet6Address;

/**
 * Joins and leaves the solicited-node multicast group of an IPv6 address on one interface, so that
 * the kernel sends a real MLD report and snooping switches forward Neighbor Solicitations for it.
 * Implementations count references: two addresses may share one group.
 */
public interface GroupMembership extends AutoCloseable {
  /** No membership at all: for interfaces without IPv6 addresses, and for tests. */
  GroupMembership NONE =
      new GroupMembership() {
        @Override
        public void join(Inet6Address address) {}

        @Override
        public void leave(Inet6Address address) {}

        @Override
        public void close() {}
      };

  void join(Inet6Address address);

  void leave(Inet6Address address);

  @Override
  void close();
}
