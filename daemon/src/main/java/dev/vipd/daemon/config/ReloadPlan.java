package dev.vipd.daemon.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What a reload changes, computed by {@link ConfigReload#diff}. VIPs that appear in neither
 * {@code addedAddresses} nor {@code removedAddresses} of a pool are not disturbed.
 *
 * @param next the configuration to run from now on
 * @param addedPools pools that are new, by name
 * @param removedPools pools that are gone, by name
 * @param changedPools pools present in both whose addresses or settings differ
 * @param changedHealthChecks names of checks added, removed or changed, in that order of files
 * @param announceChanged whether {@code vipd.announce} differs
 * @param hooksChanged whether {@code vipd.hooks} differs
 */
public record ReloadPlan(
    VipdConfig next,
    List<PoolConfig> addedPools,
    List<PoolConfig> removedPools,
    List<PoolChange> changedPools,
    List<String> changedHealthChecks,
    boolean announceChanged,
    boolean hooksChanged) {

  public ReloadPlan {
    Objects.requireNonNull(next, "next");
    addedPools = List.copyOf(addedPools);
    removedPools = List.copyOf(removedPools);
    changedPools = List.copyOf(changedPools);
    changedHealthChecks = List.copyOf(changedHealthChecks);
  }

  /** True when the new file changes nothing that runs. */
  public boolean isEmpty() {
    return addedPools.isEmpty()
        && removedPools.isEmpty()
        && changedPools.isEmpty()
        && changedHealthChecks.isEmpty()
        && !announceChanged
        && !hooksChanged;
  }

  /**
   * One pool present before and after the reload.
   *
   * @param addedAddresses VIPs new to the pool, in file order
   * @param removedAddresses VIPs no longer in the pool, in their old order
   * @param settingsChanged whether anything but the addresses changed (interface, selector,
   *     preferred nodes, preemption, health checks): ownership of every VIP is re-evaluated
   */
  public record PoolChange(
      PoolConfig before,
      PoolConfig after,
      List<InetAddress> addedAddresses,
      List<InetAddress> removedAddresses,
      boolean settingsChanged) {

    public PoolChange {
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
      addedAddresses = List.copyOf(addedAddresses);
      removedAddresses = List.copyOf(removedAddresses);
    }

    public String name() {
      return after.name();
    }
  }
}
