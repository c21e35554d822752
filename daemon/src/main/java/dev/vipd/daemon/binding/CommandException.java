package dev.vipd.daemon.binding;

import java.util.List;

/**
 * A command that changes or reads the host's network configuration failed: it could not start,
 * exited non-zero, or did not finish in time. The message says what vipd was doing, the exit code
 * and the command's own error output, for example {@code adding local route 198.51.100.100/32:
 * exit 2: RTNETLINK answers: Operation not permitted (vipd needs CAP_NET_ADMIN)}.
 */
public final class CommandException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Exit code used when the command never produced one (start failure, timeout). */
  public static final int NO_EXIT_CODE = -1;

  private final List<String> command;
  private final int exitCode;
  private final String stderr;

  public CommandException(
      String message, List<String> command, int exitCode, String stderr, Throwable cause) {
    super(message, cause);
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stderr = stderr == null ? "" : stderr;
  }

  /** Builds the exception for a command that exited with {@code exitCode}. */
  public static CommandException failed(
      String what, List<String> command, int exitCode, String stderr) {
    String detail = stderr == null ? "" : stderr.strip();
    StringBuilder message = new StringBuilder(what).append(": exit ").append(exitCode);
    if (!detail.isEmpty()) {
      message.append(": ").append(detail.replace('\n', ' '));
    }
    if (detail.contains("Operation not permitted") || detail.contains("Permission denied")) {
      message.append(" (vipd needs CAP_NET_ADMIN)");
    }
    message.append(" [").append(String.join(" ", command)).append(']');
    return new CommandException(message.toString(), command, exitCode, detail, null);
  }

  /** The full argument vector, prefix included. */
  public List<String> command() {
    return command;
  }

  /** The exit code, or {@link #NO_EXIT_CODE}. */
  public int exitCode() {
    return exitCode;
  }

  /** The command's standard error, stripped; empty when there was none. */
  public String stderr() {
    return stderr;
  }
}
