package dev.vipd.daemon.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void keepsOnlyTheStartOfALongOutputAndStillSeesTheExit() throws Exception {
    // 1 MB of output: far more than a pipe buffer, so the child blocks unless it is drained.
    ChildProcess.Result result =
        ChildProcess.run(
            List.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; exit 4"),
            Map.of(),
            TIMEOUT,
            4096);
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.timedOut()).isFalse();
    assertThat(result.output()).hasSize(4096).matches("x+");
    assertThat(result.truncated()).isTrue();
  }

  @Test
  void mergesStderrAndPassesExtraEnvironment() throws Exception {
    ChildProcess.Result result =
        ChildProcess.run(
            List.of("sh", "-c", "echo out; echo \"err $EXTRA\" >&2"),
            Map.of("EXTRA", "given"),
            TIMEOUT,
            4096);
    assertThat(result.succeeded()).isTrue();
    assertThat(result.output()).isEqualTo("out\nerr given\n");
    assertThat(result.truncated()).isFalse();
  }

  @Test
  void stdinIsEmpty() throws Exception {
    ChildProcess.Result result = ChildProcess.run(List.of("wc", "-c"), Map.of(), TIMEOUT, 64);
    assertThat(result.output().strip()).isEqualTo("0");
  }

  @Test
  void timeoutKillsTheChildAndItsDescendants() throws Exception {
    Path pids = dir.resolve("pids");
    String script = "sleep 30 & echo $$ $! > " + pids + "; wait";
    ChildProcess.Result result =
        ChildProcess.run(List.of("sh", "-c", script), Map.of(), Duration.ofMillis(500), 64);
    assertThat(result.timedOut()).isTrue();
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.describe()).startsWith("timed out after");
    for (long pid : readPids(pids)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !running(pid));
    }
  }

  @Test
  void interruptKillsTheTreeAndPropagates() throws Exception {
    Path pids = dir.resolve("pids");
    String script = "sleep 30 & echo $$ $! > " + pids + "; wait";
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<ChildProcess.Result> run =
          executor.submit(
              () -> ChildProcess.run(List.of("sh", "-c", script), Map.of(), TIMEOUT, 64));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Files.exists(pids) && readPids(pids).length == 2);
      run.cancel(true);
      for (long pid : readPids(pids)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !running(pid));
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aMissingProgramIsAnIoException() {
    assertThatThrownBy(
            () -> ChildProcess.run(List.of("/nonexistent/program"), Map.of(), TIMEOUT, 64))
        .isInstanceOf(IOException.class);
  }

  static long[] readPids(Path file) throws IOException {
    String text = Files.readString(file).strip();
    if (text.isEmpty()) {
      return new long[0];
    }
    return java.util.Arrays.stream(text.split("\\s+")).mapToLong(Long::parseLong).toArray();
  }

  /** Whether {@code pid} exists and is not a zombie (which nobody may reap in a container). */
  static boolean running(long pid) throws IOException {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
