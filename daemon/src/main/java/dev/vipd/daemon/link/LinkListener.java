package dev.vipd.daemon.link;

/**
 * Receives real changes of watched interfaces from a {@link LinkWatcher}: each method is called
 * only when the value differs from the last one reported (or seen in the initial snapshot). Calls
 * come one at a time from the watcher's thread and must return promptly.
 */
public interface LinkListener {

  /**
   * Carrier appeared or went away ({@link LinkState#carrier()}): the node becomes eligible or
   * ineligible for the pools on {@code name}.
   */
  default void carrierChanged(String name, boolean up) {}

  /** The interface's MAC changed (bond failover, manual change): re-announce the VIPs on it. */
  default void macChanged(String name, String newMac) {}

  /**
   * An interface with this name appeared with a different index than last seen (deleted and
   * created again), or appeared for the first time after the watcher started: reopen its sockets.
   */
  default void recreated(String name, int newIndex) {}

  /** The interface was deleted or renamed away. */
  default void removed(String name) {}
}
