package dev.vipd.daemon.binding;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Set;

/**
 * Makes the local kernel accept traffic for the VIPs this node owns.
 *
 * <p>Answering ARP and Neighbor Solicitations is the responder's job; this only decides whether a
 * packet that arrives for the VIP is delivered to local sockets. Implementations mark every entry
 * they create so that {@link #cleanup()} after a crash removes vipd's entries and never the
 * operator's.
 *
 * <p>Methods are thread-safe. Failures are {@link CommandException}s (unchecked) that say what was
 * being done, the exit code and the kernel's answer.
 */
public interface LocalBinding {

  /** Accepts traffic for {@code vip} locally. Binding an already-bound VIP is not an error. */
  void bind(InetAddress vip);

  /**
   * Binds several VIPs; implementations may do it in one command (a takeover of many VIPs must
   * not pay one process per VIP).
   */
  default void bindAll(Collection<InetAddress> vips) {
    vips.forEach(this::bind);
  }

  /** Stops accepting traffic for {@code vip}. Unbinding a VIP that is not bound is not an error. */
  void unbind(InetAddress vip);

  /**
   * Removes every entry vipd made, including those left by an earlier process that crashed, and
   * only those. Afterwards {@link #bound()} is empty.
   */
  void cleanup();

  /** The VIPs this instance has bound and not unbound since. */
  Set<InetAddress> bound();
}
