package dev.vipd.daemon.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.daemon.health.Unprivileged;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hook started by a root JVM with every capability runs with none. */
class HookRunnerIT {
  @TempDir Path dir;

  @Test
  void hooksRunWithoutCapabilities() throws Exception {
    String self = Files.readString(Path.of("/proc/self/status"));
    assumeTrue(
        self.contains("\nUid:\t0\t") && !self.contains("CapEff:\t0000000000000000"),
        "needs root with capabilities");
    Unprivileged unprivileged = Unprivileged.detect();
    assumeTrue(unprivileged.dropsCapabilities(), "needs setpriv (Debian package util-linux)");
    Path out = dir.resolve("caps");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (HookRunner runner =
        new HookRunner(
            List.of(
                new HookSpec(
                    "caps",
                    Set.of(HookEvent.ACQUIRE),
                    List.of("sh", "-c", "grep ^Cap /proc/self/status > " + out),
                    Duration.ofSeconds(10))),
            executor,
            unprivileged,
            new SimpleMeterRegistry())) {
      runner.acquired("198.51.100.1", "web", 1, "placement");
      assertThat(runner.awaitIdle(Duration.ofSeconds(15))).isTrue();
    } finally {
      executor.shutdownNow();
    }
    assertThat(Files.readAllLines(out))
        .contains(
            "CapInh:\t0000000000000000",
            "CapPrm:\t0000000000000000",
            "CapEff:\t0000000000000000",
            "CapBnd:\t0000000000000000",
            "CapAmb:\t0000000000000000");
  }
}
