package dev.vipd.daemon.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration of one vipd, parsed and validated by {@link ConfigLoader}. Immutable.
 *
 * @param source the file it was read from
 * @param healthChecks checks by name, in file order
 * @param origins where each value was written, by key path ({@code vipd.pools[0].interface}); keys
 *     left at their default are absent
 */
public record VipdConfig(
    Path source,
    NodeConfig node,
    ClusterConfig cluster,
    List<PoolConfig> pools,
    Map<String, HealthCheckConfig> healthChecks,
    AnnounceConfig announce,
    BindMode bindMode,
    HttpConfig http,
    Path controlSocket,
    Path drainStateFile,
    HooksConfig hooks,
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
    Objects.requireNonNull(hooks, "hooks");
    origins = Map.copyOf(origins);
  }

  /** Where {@code keyPath} was written, or the source file with no line if it was defaulted. */
  public SourceLine originOf(String keyPath) {
    return origins.getOrDefault(keyPath, SourceLine.defaulted(source));
  }
}
