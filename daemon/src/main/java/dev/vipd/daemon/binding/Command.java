package dev.vipd.daemon.binding;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs commands as child processes, each behind a fixed argument-vector prefix and with a
 * timeout.
 *
 * <p>The prefix is empty in production. Integration tests pass {@code ip netns exec <namespace>}
 * so that every command vipd issues runs inside a lab namespace and never touches the host's own
 * network configuration. {@code ip netns exec} replaces itself with the command, so the started
 * process's PID is the command's PID and {@link Process#destroy()} stops the command itself.
 *
 * <p>A command that runs longer than the timeout is killed and reported as failed: iproute2 calls
 * finish in milliseconds, so a hung one means something is badly wrong and vipd must not block on
 * it.
 */
public final class Command implements CommandRunner {

  /**
   * Default timeout. {@code ip} and {@code sysctl} return in a few milliseconds; 5 s is far above
   * that even on a loaded host, yet short enough that a stuck call does not stall a failover.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Threads that drain child pipes. Blocking reads do not belong on the common fork-join pool;
   * these threads are daemons and exit after a minute idle.
   */
  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "vipd-command-output");
            thread.setDaemon(true);
            return thread;
          });

  private final List<String> prefix;
  private final Duration timeout;

  /** A runner with {@code prefix} in front of every command (empty in production). */
  public Command(List<String> prefix, Duration timeout) {
    this.prefix = List.copyOf(prefix);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "invalid command timeout: " + timeout + " (expected: positive)");
    }
    this.timeout = timeout;
  }

  /** The production runner: no prefix, {@link #DEFAULT_TIMEOUT}. */
  public static Command direct() {
    return new Command(List.of(), DEFAULT_TIMEOUT);
  }

  /** The prefix put in front of every command. */
  public List<String> prefix() {
    return prefix;
  }

  @Override
  public String run(String what, List<String> argv) {
    return run(what, argv, null);
  }

  @Override
  public String run(String what, List<String> argv, String input) {
    List<String> command = withPrefix(argv);
    Process process = startProcess(what, command, false, input != null);
    if (input != null) {
      try (var stdin = process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        process.destroyForcibly();
        throw new CommandException(what + ": writing input failed: " + e.getMessage() + " ["
            + join(command) + "]", command, CommandException.NO_EXIT_CODE, "", e);
      }
    }
    // Drain both pipes concurrently so that a chatty command never blocks on a full pipe.
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(() -> read(process.getInputStream()), READERS);
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), READERS);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new CommandException(
            what + ": timed out after " + timeout.toMillis() + " ms [" + join(command) + "]",
            command,
            CommandException.NO_EXIT_CODE,
            "",
            null);
      }
      String stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String stderr = err.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (process.exitValue() != 0) {
        throw CommandException.failed(what, command, process.exitValue(), stderr);
      }
      return stdout;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandException(
          what + ": interrupted [" + join(command) + "]",
          command,
          CommandException.NO_EXIT_CODE,
          "",
          e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new CommandException(
          what + ": reading output failed: " + e + " [" + join(command) + "]",
          command,
          CommandException.NO_EXIT_CODE,
          "",
          e);
    }
  }

  @Override
  public Process start(String what, List<String> argv) {
    return startProcess(what, withPrefix(argv), true, false);
  }

  private List<String> withPrefix(List<String> argv) {
    List<String> command = new ArrayList<>(prefix.size() + argv.size());
    command.addAll(prefix);
    command.addAll(argv);
    return command;
  }

  private static Process startProcess(
      String what, List<String> command, boolean mergeStderr, boolean withInput) {
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(mergeStderr)
          .redirectInput(withInput
              ? ProcessBuilder.Redirect.PIPE
              : ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new CommandException(
          what
              + ": cannot start "
              + command.get(0)
              + ": "
              + e.getMessage()
              + " (is iproute2 installed?) ["
              + join(command)
              + "]",
          command,
          CommandException.NO_EXIT_CODE,
          "",
          e);
    }
  }

  private static String join(List<String> command) {
    return String.join(" ", command);
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return prefix.isEmpty() ? "Command[direct]" : "Command" + prefix;
  }
}
