package dev.vipd.daemon.config;

import dev.vipd.daemon.health.HealthCheckSpec;
import dev.vipd.daemon.hooks.HookSpec;
import dev.vipd.protocol.AnnounceSettings;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole configuration of one vipd, parsed and validated by {@link ConfigLoader}. Immutable.
 *
 * @param source the file it was read from
 * @param healthChecks checks by name, in file order
 * @param hooks the notify hooks ({@code vipd.hooks}), none when no command is set
 * @param origins where each value was written, by key path ({@code vipd.pools[0].interface}); keys
 *     left at their default are absent
 */
public record VipdConfig(
    Path source,
    NodeConfig node,
    ClusterConfig cluster,
    List<PoolConfig> pools,
    Map<String, HealthCheckSpec> healthChecks,
    AnnounceSettings announce,
    BindMode bindMode,
    HttpConfig http,
    Path controlSocket,
    Path drainStateFile,
    List<HookSpec> hooks,
    Map<String, SourceLine> origins) {

  public VipdConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(cluster, "cluster");
    pools = List.copyOf(pools);
    healthChecks = Collections.unmodifiableMap(new LinkedHashMap<>(healthChecks));
    Objects.requireNonNull(announce, "announce");
    Objects.requireNonNull(bindMode, "bindMode");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(controlSocket, "controlSocket");
    Objects.requireNonNull(drainStateFile, "drainStateFile");
    hooks = List.copyOf(hooks);
    origins = Map.copyOf(origins);
  }

  /** The interfaces the pools are served on, each once, in the order the pools name them. */
  public Set<String> interfaces() {
    Set<String> names = new LinkedHashSet<>();
    pools.forEach(p -> names.add(p.interfaceName()));
    return Collections.unmodifiableSet(names);
  }

  /** Where {@code keyPath} was written, or the source file with no line if it was defaulted. */
  public SourceLine originOf(String keyPath) {
    return origins.getOrDefault(keyPath, SourceLine.defaulted(source));
  }
}
