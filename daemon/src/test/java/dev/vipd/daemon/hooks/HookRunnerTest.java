package dev.vipd.daemon.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vipd.daemon.health.Unprivileged;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Set<HookEvent> BOTH = Set.of(HookEvent.ACQUIRE, HookEvent.RELEASE);

  @TempDir Path dir;

  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private HookRunner runner;

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.close();
    }
    executor.shutdownNow();
  }

  @Test
  void hookSeesTheEventInItsEnvironment() throws Exception {
    Path out = dir.resolve("env");
    runner = runner(hook("record", BOTH, "env > " + out, TIMEOUT));
    runner.acquired("198.51.100.100", "web", 42, "member-lost");
    assertThat(runner.awaitIdle(WAIT)).isTrue();
    Map<String, String> env = readEnv(out);
    assertThat(env)
        .containsEntry("VIPD_EVENT", "acquire")
        .containsEntry("VIPD_VIP", "198.51.100.100")
        .containsEntry("VIPD_POOL", "web")
        .containsEntry("VIPD_EPOCH", "42")
        .containsEntry("VIPD_REASON", "member-lost")
        .containsEntry("VIPD_HOOK", "record");
    assertThat(runs("acquire", "ok")).isEqualTo(1.0);

    runner.released("2001:db8::100", "web", 43, "drain");
    assertThat(runner.awaitIdle(WAIT)).isTrue();
    assertThat(readEnv(out))
        .containsEntry("VIPD_EVENT", "release")
        .containsEntry("VIPD_VIP", "2001:db8::100")
        .containsEntry("VIPD_EPOCH", "43");
  }

  @Test
  void theCallerDoesNotWaitForTheHook() throws Exception {
    Path done = dir.resolve("done");
    runner = runner(hook("slow", BOTH, "sleep 2; touch " + done, TIMEOUT));
    runner.acquired("198.51.100.1", "web", 1, "placement");
    assertThat(done).as("acquired() returned before the hook finished").doesNotExist();
    await().atMost(WAIT).until(() -> Files.exists(done));
  }

  @Test
  void aReleaseHookNeverOvertakesTheAcquireHookOfTheSameVip() throws Exception {
    Path log = dir.resolve("log");
    // The acquire hook is slow, the release hook fast: with four threads and no ordering the
    // release line would be written first.
    String script =
        "if [ \"$VIPD_EVENT\" = acquire ]; then sleep 1; fi; echo \"$VIPD_EVENT $VIPD_EPOCH\" >> "
            + log;
    runner = runner(hook("order", BOTH, script, TIMEOUT));
    runner.acquired("198.51.100.1", "web", 1, "placement");
    runner.released("198.51.100.1", "web", 2, "drain");
    runner.acquired("198.51.100.1", "web", 3, "placement");
    assertThat(runner.awaitIdle(WAIT)).isTrue();
    assertThat(Files.readAllLines(log)).containsExactly("acquire 1", "release 2", "acquire 3");
  }

  @Test
  void aSlowHookOfOneVipDoesNotDelayAnotherVip() throws Exception {
    Path log = dir.resolve("log");
    String script =
        "if [ \"$VIPD_VIP\" = 198.51.100.1 ]; then sleep 3; fi; echo \"$VIPD_VIP\" >> " + log;
    runner = runner(hook("parallel", BOTH, script, TIMEOUT));
    runner.acquired("198.51.100.1", "web", 1, "placement");
    runner.acquired("198.51.100.2", "web", 1, "placement");
    assertThat(runner.awaitIdle(WAIT)).isTrue();
    assertThat(Files.readAllLines(log)).containsExactly("198.51.100.2", "198.51.100.1");
  }

  @Test
  void aHookThatOverrunsIsKilledWithItsChildrenAndCounted() throws Exception {
    Path pids = dir.resolve("pids");
    runner =
        runner(
            hook(
                "hang",
                BOTH,
                "sleep 60 & echo $$ $! > " + pids + "; wait",
                Duration.ofMillis(500)));
    runner.released("198.51.100.1", "web", 7, "leave");
    assertThat(runner.awaitIdle(WAIT)).isTrue();
    assertThat(runs("release", "timeout")).isEqualTo(1.0);
    for (String pid : Files.readString(pids).strip().split(" ")) {
      await().atMost(WAIT).until(() -> !running(Long.parseLong(pid)));
    }
  }

  @Test
  void failuresAreCountedByResult() throws Exception {
    // Without the setpriv wrapper, so that a missing program fails to start (with it, setpriv
    // starts and exits 127: "failed", with setpriv's message in the log).
    runner =
        new HookRunner(
            List.of(
                hook("fails", BOTH, "echo broken >&2; exit 2", TIMEOUT),
                new HookSpec("missing", BOTH, List.of("/nonexistent/hook"), TIMEOUT),
                hook("ok", Set.of(HookEvent.RELEASE), "true", TIMEOUT)),
            executor,
            Unprivileged.passThrough(),
            registry);
    runner.acquired("198.51.100.1", "web", 1, "placement");
    assertThat(runner.awaitIdle(WAIT)).isTrue();
    assertThat(runs("acquire", "failed")).isEqualTo(1.0);
    assertThat(runs("acquire", "error")).isEqualTo(1.0);
    assertThat(registry.find("vipd.hook.runs").tag("result", "ok").counter())
        .as("the release-only hook did not run on acquire")
        .isNull();
  }

  @Test
  void updateAppliesToLaterEventsAndCloseIgnoresThem() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    runner = runner(hook("one", BOTH, "echo $VIPD_EPOCH >> " + first, TIMEOUT));
    runner.acquired("198.51.100.1", "web", 1, "placement");
    runner.update(List.of(hook("two", BOTH, "echo $VIPD_EPOCH >> " + second, TIMEOUT)));
    runner.released("198.51.100.1", "web", 2, "drain");
    runner.close();
    runner.acquired("198.51.100.1", "web", 3, "placement");
    assertThat(runner.awaitIdle(WAIT)).isTrue();
    assertThat(Files.readAllLines(first)).containsExactly("1");
    assertThat(Files.readAllLines(second)).containsExactly("2");
  }

  private HookRunner runner(HookSpec... hooks) {
    return new HookRunner(List.of(hooks), executor, Unprivileged.detect(), registry);
  }

  private static HookSpec hook(String name, Set<HookEvent> events, String script, Duration t) {
    return new HookSpec(name, events, List.of("sh", "-c", script), t);
  }

  private double runs(String event, String result) {
    Counter counter =
        registry.find("vipd.hook.runs").tag("event", event).tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .filter(line -> line.startsWith("VIPD_"))
        .collect(
            Collectors.toMap(
                l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
  }

  private static boolean running(long pid) throws IOException {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
