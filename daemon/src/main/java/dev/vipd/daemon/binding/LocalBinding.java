package dev.vipd.daemon.binding;

import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
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
   * Binds several VIPs, each on its own: one that fails never keeps the others unbound.
   * Implementations may do it in one command (a takeover of many VIPs must not pay one process
   * per VIP).
   *
   * @return the VIPs that could not be bound, each with the reason; empty when all are bound
   */
  default Map<InetAddress, String> bindAll(Collection<InetAddress> vips) {
    Map<InetAddress, String> failed = new LinkedHashMap<>();
    for (InetAddress vip : vips) {
      try {
        bind(vip);
      } catch (RuntimeException e) {
        failed.put(vip, String.valueOf(e.getMessage()));
      }
    }
    return failed;
  }

  /**
   * Unbinds several VIPs, each on its own, in one command where possible.
   *
   * @return the VIPs that could not be unbound, each with the reason
   */
  default Map<InetAddress, String> unbindAll(Collection<InetAddress> vips) {
    Map<InetAddress, String> failed = new LinkedHashMap<>();
    for (InetAddress vip : vips) {
      try {
        unbind(vip);
      } catch (RuntimeException e) {
        failed.put(vip, String.valueOf(e.getMessage()));
      }
    }
    return failed;
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
