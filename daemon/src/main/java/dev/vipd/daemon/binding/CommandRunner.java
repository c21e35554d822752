package dev.vipd.daemon.binding;

import java.util.List;

/**
 * Runs the iproute2 and sysctl commands that change the host's network configuration.
 *
 * <p>{@link Command} is the real implementation (a child process per call); unit tests record
 * the argument vectors instead. Every call names what it is doing ({@code what}, e.g. "adding
 * local route 198.51.100.100/32") so that a failure reads as a sentence in the log.
 */
public interface CommandRunner {

  /**
   * Runs {@code argv} to completion and returns its standard output.
   *
   * @throws CommandException when the command cannot start, exits non-zero or times out
   */
  String run(String what, List<String> argv);

  /**
   * Like {@link #run(String, List)} with {@code input} on the command's standard input (for
   * {@code ip -batch -}).
   *
   * @throws CommandException when the command cannot start, exits non-zero or times out
   */
  String run(String what, List<String> argv, String input);

  /**
   * Starts a long-running command (such as {@code ip -o monitor link}) and returns at once. The
   * caller reads its standard output (standard error is merged into it) and stops it with {@link
   * Process#destroy()}.
   *
   * @throws CommandException when the command cannot start
   */
  Process start(String what, List<String> argv);
}
