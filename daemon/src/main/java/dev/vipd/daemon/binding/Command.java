package dev.vipd.daemon.binding;

import dev.vipd.daemon.process.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs commands as child processes, each behind a fixed argument-vector prefix and with a
 * timeout.
 *
 * <p>The prefix is empty in production. Integration tests pass {@code ip netns exec <namespace>}
 * so that every command vipd issues runs inside a lab namespace and never touches the host's own
 * network configuration. {@code ip netns exec} replaces itself with the command, so the started
 * process's PID is the command's PID and {@link Process#destroy()} stops the command itself.
 *
 * <p>Commands run through {@link ChildProcess}, vipd's one process runner. A command that runs
 * longer than the timeout is killed and reported as failed: iproute2 calls finish in milliseconds,
 * so a hung one means something is badly wrong and vipd must not block on it.
 */
public final class Command implements CommandRunner {

  /**
   * Default timeout. {@code ip} and {@code sysctl} return in a few milliseconds; 5 s is far above
   * that even on a loaded host, yet short enough that a stuck call does not stall a failover.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Output kept per call. {@code ip} listings are a few hundred bytes per route or address; 16 MiB
   * holds far more than any table vipd reads.
   */
  private static final int CAPTURE_LIMIT = 16 << 20;

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
    ChildProcess.Result result;
    try {
      result = ChildProcess.run(command, Map.of(), input, false, timeout, CAPTURE_LIMIT);
    } catch (IOException e) {
      throw new CommandException(what + ": cannot start " + command.get(0) + ": "
          + e.getMessage() + " (is iproute2 installed?) [" + join(command) + "]", command,
          CommandException.NO_EXIT_CODE, "", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(what + ": interrupted [" + join(command) + "]", command,
          CommandException.NO_EXIT_CODE, "", e);
    }
    if (result.timedOut()) {
      throw new CommandException(
          what + ": timed out after " + timeout.toMillis() + " ms [" + join(command) + "]",
          command, CommandException.NO_EXIT_CODE, "", null);
    }
    if (result.exitCode() != 0) {
      throw CommandException.failed(what, command, result.exitCode(), result.errors());
    }
    return result.output();
  }

  @Override
  public Process start(String what, List<String> argv) {
    return startProcess(what, withPrefix(argv));
  }

  private List<String> withPrefix(List<String> argv) {
    List<String> command = new ArrayList<>(prefix.size() + argv.size());
    command.addAll(prefix);
    command.addAll(argv);
    return command;
  }

  private static Process startProcess(String what, List<String> command) {
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new CommandException(what + ": cannot start " + command.get(0) + ": "
          + e.getMessage() + " (is iproute2 installed?) [" + join(command) + "]", command,
          CommandException.NO_EXIT_CODE, "", e);
    }
  }

  private static String join(List<String> command) {
    return String.join(" ", command);
  }

  @Override
  public String toString() {
    return prefix.isEmpty() ? "Command[direct]" : "Command" + prefix;
  }
}
