package dev.vipd.daemon.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * vipd's one process runner: runs a command to completion with a deadline and keeps the start of
 * its output. Used for exec health checks and notify hooks (the caller wraps argv with {@code
 * Unprivileged} first) and, through {@code binding.Command}, for every {@code ip} and {@code
 * sysctl} call.
 *
 * <p>The calling thread does everything: it polls the output pipes every {@link #POLL}
 * while waiting for the exit, so no reader thread is needed and a child that fills the pipe never
 * blocks for long. Only the first {@code captureLimit} bytes are kept; the rest is read and
 * dropped. Reading stops when the child exits, so a grandchild that keeps the pipe open (a script
 * that backgrounds a daemon) cannot hold the caller.
 *
 * <p>On timeout, or when the calling thread is interrupted, the whole tree is killed by PID: the
 * child's descendants are listed while it is still alive, everybody gets SIGTERM, and whoever is
 * still alive after {@link #KILL_GRACE} gets SIGKILL. A descendant that had already left the tree
 * (double fork) is out of reach; checks and hooks should not daemonize.
 */
public final class ChildProcess {
  /** Pipe polling period: fast enough that a chatty child is not slowed, slow enough to be free. */
  static final Duration POLL = Duration.ofMillis(20);

  /**
   * Time between SIGTERM and SIGKILL: enough for a shell script to run its trap, short enough that
   * a hung check does not hold a probe thread for long.
   */
  static final Duration KILL_GRACE = Duration.ofMillis(500);

  /**
   * How a run ended.
   *
   * @param exitCode the exit status, or -1 when the child was killed at the deadline
   * @param timedOut whether the deadline passed and the tree was killed
   * @param output the start of stdout (and stderr, when merged), decoded as UTF-8
   * @param errors the start of stderr when kept apart, else empty
   * @param truncated whether output or errors were longer than the capture limit
   * @param elapsed from start to exit or kill
   */
  public record Result(
      int exitCode,
      boolean timedOut,
      String output,
      String errors,
      boolean truncated,
      Duration elapsed) {
    /** Whether the child exited with status 0 in time. */
    public boolean succeeded() {
      return !timedOut && exitCode == 0;
    }

    /** One line for the log: exit status or timeout, then the output. */
    public String describe() {
      String status =
          timedOut ? "timed out after " + elapsed.toMillis() + "ms" : "exit " + exitCode;
      String text = output.strip().replace('\n', '|');
      return text.isEmpty() ? status : status + ", output: " + text + (truncated ? "..." : "");
    }
  }

  private ChildProcess() {}

  /**
   * Runs {@code argv} with {@code extraEnv} added to vipd's environment, stdin empty.
   *
   * @throws IOException when the command cannot be started (no such program, not executable)
   * @throws InterruptedException when the calling thread is interrupted; the tree is killed first
   */
  public static Result run(
      List<String> argv, Map<String, String> extraEnv, Duration timeout, int captureLimit)
      throws IOException, InterruptedException {
    return run(argv, extraEnv, null, true, timeout, captureLimit);
  }

  /**
   * Runs {@code argv} with {@code extraEnv} added to vipd's environment.
   *
   * @param input written to the child's stdin, which is then closed; {@code null} for an empty
   *     stdin
   * @param mergeErrors whether stderr joins stdout in {@link Result#output()}; otherwise it is
   *     kept apart in {@link Result#errors()}
   * @throws IOException when the command cannot be started, or its input cannot be written
   * @throws InterruptedException when the calling thread is interrupted; the tree is killed first
   */
  public static Result run(
      List<String> argv,
      Map<String, String> extraEnv,
      String input,
      boolean mergeErrors,
      Duration timeout,
      int captureLimit)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(mergeErrors);
    builder.environment().putAll(extraEnv);
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Process process = builder.start();
    Capture out = new Capture(captureLimit);
    Capture err = new Capture(captureLimit);
    try (InputStream stdout = process.getInputStream();
        InputStream stderr = process.getErrorStream()) {
      try (var stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      while (true) {
        out.drain(stdout);
        err.drain(stderr);
        long remaining = deadline - System.nanoTime();
        boolean exited = remaining > 0
            && process.waitFor(Math.min(remaining, POLL.toNanos()), TimeUnit.NANOSECONDS);
        if (exited || remaining <= 0) {
          if (!exited) {
            killTree(process);
          }
          out.drain(stdout);
          err.drain(stderr);
          return new Result(exited ? process.exitValue() : -1, !exited, out.text(), err.text(),
              out.truncated || err.truncated, since(start));
        }
      }
    } catch (InterruptedException | IOException | RuntimeException e) {
      killTree(process);
      throw e;
    }
  }

  /** Kills {@code process} and its descendants: SIGTERM, then SIGKILL after the grace period. */
  static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    tree.addAll(process.descendants().collect(Collectors.toList()));
    tree.forEach(ProcessHandle::destroy);
    long graceEnd = System.nanoTime() + KILL_GRACE.toNanos();
    boolean interrupted = false;
    for (ProcessHandle handle : tree) {
      long remaining = graceEnd - System.nanoTime();
      while (handle.isAlive() && remaining > 0 && !interrupted) {
        try {
          Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, remaining / 1_000_000)));
        } catch (InterruptedException e) {
          interrupted = true;
        }
        remaining = graceEnd - System.nanoTime();
      }
    }
    // Descendants started during the grace period are caught here, while the child still lives.
    process.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroyForcibly);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Keeps the first {@code limit} bytes of a stream and counts whether there were more. */
  private static final class Capture {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[4096];
    private final int limit;
    private boolean truncated;

    Capture(int limit) {
      this.limit = limit;
    }

    void drain(InputStream in) throws IOException {
      int available;
      while ((available = in.available()) > 0) {
        int n = in.read(buffer, 0, Math.min(available, buffer.length));
        if (n < 0) {
          return;
        }
        int keep = Math.min(n, limit - kept.size());
        kept.write(buffer, 0, keep);
        truncated |= keep < n;
      }
    }

    String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }
  }
}
