package dev.vipd.daemon;

import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.daemon.config.AnnounceConfig;
import dev.vipd.daemon.config.HealthCheckConfig;
import dev.vipd.daemon.config.HooksConfig;
import dev.vipd.daemon.config.PoolConfig;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.daemon.health.HealthCheckSpec;
import dev.vipd.daemon.hooks.HookEvent;
import dev.vipd.daemon.hooks.HookSpec;
import dev.vipd.protocol.AnnounceSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Maps the validated configuration records onto the components' own specs. The config loader has
 * already refused anything these constructors would refuse, so a failure here is a bug.
 */
final class Specs {
  private Specs() {}

  static AnnounceSettings announce(AnnounceConfig c) {
    return new AnnounceSettings(c.garpCount(), c.garpInterval(), c.refreshInterval(),
        c.framesPerSecond());
  }

  static List<Pool> pools(VipdConfig config) {
    return config.pools().stream().map(Specs::pool).toList();
  }

  static Pool pool(PoolConfig p) {
    return new Pool(p.name(), p.addresses(), p.nodeSelector(), p.preferredNodes(), p.preempt(),
        p.preemptDelay());
  }

  static Policy policy(VipdConfig config) {
    Quorum quorum = switch (config.cluster().quorum()) {
      case NONE -> Quorum.NONE;
      case MAJORITY -> Quorum.MAJORITY;
    };
    return new Policy(quorum, Math.max(1, config.cluster().expectedSize()));
  }

  static List<HealthCheckSpec> healthChecks(VipdConfig config) {
    List<HealthCheckSpec> specs = new ArrayList<>();
    for (HealthCheckConfig c : config.healthChecks().values()) {
      specs.add(healthCheck(c));
    }
    return specs;
  }

  static HealthCheckSpec healthCheck(HealthCheckConfig c) {
    HealthCheckSpec.Timing t = new HealthCheckSpec.Timing(c.interval(), c.timeout(), c.rise(),
        c.fall());
    if (c instanceof HealthCheckConfig.Tcp tcp) {
      return new HealthCheckSpec.Tcp(tcp.name(), tcp.host(), tcp.port(), t);
    } else if (c instanceof HealthCheckConfig.Http http) {
      return new HealthCheckSpec.Http(http.name(), URI.create(http.url()), http.minStatus(),
          http.maxStatus(), t);
    }
    HealthCheckConfig.Exec exec = (HealthCheckConfig.Exec) c;
    return new HealthCheckSpec.Exec(exec.name(), exec.command(), t);
  }

  static List<HookSpec> hooks(HooksConfig c) {
    List<HookSpec> hooks = new ArrayList<>();
    if (!c.onAcquire().isEmpty()) {
      hooks.add(new HookSpec("on-acquire", Set.of(HookEvent.ACQUIRE), c.onAcquire(), c.timeout()));
    }
    if (!c.onRelease().isEmpty()) {
      hooks.add(new HookSpec("on-release", Set.of(HookEvent.RELEASE), c.onRelease(), c.timeout()));
    }
    return hooks;
  }
}
