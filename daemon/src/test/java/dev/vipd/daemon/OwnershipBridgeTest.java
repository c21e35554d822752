package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.daemon.health.Unprivileged;
import dev.vipd.daemon.hooks.HookRunner;
import dev.vipd.daemon.metrics.VipdMetrics;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload reconciliation: what the data plane is told when the configuration changes under VIPs
 * this node holds. Each release must name the interface the VIP was acquired on.
 */
class OwnershipBridgeTest {
  @TempDir Path dir;

  private final List<String> sink = new ArrayList<>();
  private final VipdMetrics metrics = new VipdMetrics("test");
  private final HookRunner hooks = new HookRunner(List.of(), Executors.newSingleThreadExecutor(),
      Unprivileged.passThrough(), metrics.registry());
  private RunningConfig running;
  private OwnershipBridge bridge;

  @AfterEach
  void close() {
    hooks.close();
    metrics.close();
  }

  @Test
  void aRenamedPoolKeepsItsVipsAndADrainAfterwardsReleasesThemWhereTheyWere() throws Exception {
    start(pool("web", "eth0", "198.51.100.100"));
    bridge.acquired(assignment("198.51.100.100", "web", 1));

    reload(pool("front", "eth0", "198.51.100.100"));
    bridge.released(assignment("198.51.100.100", "web", 1), Reason.DRAIN);

    assertThat(sink).containsExactly("acquire eth0 198.51.100.100", "release eth0 198.51.100.100");
    assertThat(bridge.served()).isEmpty();
  }

  @Test
  void aVipMovedToAnotherInterfaceIsReleasedOnTheOldOneFirst() throws Exception {
    start(pool("web", "eth0", "198.51.100.100"));
    bridge.acquired(assignment("198.51.100.100", "web", 1));

    reload(pool("web", "eth1", "198.51.100.100"));
    bridge.released(assignment("198.51.100.100", "web", 1), Reason.DRAIN);

    assertThat(sink).containsExactly("acquire eth0 198.51.100.100",
        "release eth0 198.51.100.100", "acquire eth1 198.51.100.100",
        "release eth1 198.51.100.100");
  }

  @Test
  void aVipAssignedBeforeItsPoolWasLoadedIsServedOnTheReloadThatAddsIt() throws Exception {
    start(pool("web", "eth0", "198.51.100.100"));
    bridge.acquired(assignment("203.0.113.100", "edge", 4)); // the writer was faster than our file
    assertThat(sink).isEmpty();

    reload(pool("web", "eth0", "198.51.100.100") + ",\n" + pool("edge", "eth1", "203.0.113.100"));

    assertThat(sink).containsExactly("acquire eth1 203.0.113.100");
  }

  @Test
  void aVipWhosePoolIsRemovedIsReleasedAtOnceOnItsInterface() throws Exception {
    start(pool("web", "eth0", "198.51.100.100") + ",\n" + pool("edge", "eth1", "203.0.113.100"));
    bridge.acquired(assignment("203.0.113.100", "edge", 2));

    reload(pool("web", "eth0", "198.51.100.100"));

    assertThat(sink).containsExactly("acquire eth1 203.0.113.100", "release eth1 203.0.113.100");
    // The cluster's own release, when the writer removes the VIP, finds nothing left to do.
    bridge.released(assignment("203.0.113.100", "edge", 2), Reason.PLACEMENT);
    assertThat(sink).hasSize(2);
  }

  @Test
  void aReloadThatChangesNothingHereDisturbsNoVip() throws Exception {
    start(pool("web", "eth0", "198.51.100.100"));
    bridge.acquired(assignment("198.51.100.100", "web", 1));

    assertThat(reload(pool("web", "eth0", "198.51.100.100, 198.51.100.101"))).isZero();
    assertThat(sink).containsExactly("acquire eth0 198.51.100.100");
  }

  private void start(String pools) throws Exception {
    running = new RunningConfig(config(pools));
    bridge = new OwnershipBridge(new VipSink() {
      @Override
      public void acquire(String interfaceName, InetAddress vip) {
        sink.add("acquire " + interfaceName + " " + vip.getHostAddress());
      }

      @Override
      public void release(String interfaceName, InetAddress vip) {
        sink.add("release " + interfaceName + " " + vip.getHostAddress());
      }

      @Override
      public void answerDeadline(long deadlineNanos) {}
    }, metrics, hooks, new TakeoverTimer(metrics, () -> 0), running);
  }

  private int reload(String pools) throws Exception {
    running.set(config(pools));
    return bridge.reconcile();
  }

  private static String pool(String name, String iface, String addresses) {
    StringBuilder quoted = new StringBuilder();
    for (String a : addresses.split(",\\s*")) {
      quoted.append(quoted.length() == 0 ? "" : ", ").append('"').append(a).append('"');
    }
    return "{ name = \"" + name + "\", interface = \"" + iface + "\", addresses = [" + quoted
        + "] }";
  }

  private VipdConfig config(String pools) throws Exception {
    Path secret = dir.resolve("cluster.key");
    if (!Files.exists(secret)) {
      Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }
    Path file = dir.resolve("vipd.conf");
    Files.writeString(file, "vipd {\n  node.name = h1\n  cluster.secret-file = \"" + secret
        + "\"\n  pools = [\n" + pools + "\n  ]\n}\n");
    return ConfigLoader.load(file);
  }

  private static Assignment assignment(String vip, String pool, long epoch) throws Exception {
    return new Assignment(InetAddress.getByName(vip), pool, "h1", epoch, Reason.PLACEMENT, 0, 0);
  }
}
