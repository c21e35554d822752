package dev.vipd.daemon;

/**
 * The exit codes of every {@code vipd} command, also listed by {@code vipd --help}. Scripts and
 * systemd units rely on them, so they never change meaning.
 */
public final class ExitCodes {
  private ExitCodes() {}

  /** Success. */
  public static final int OK = 0;

  /** A runtime failure: the daemon could not start or a command failed. */
  public static final int FAILURE = 1;

  /** The command line was wrong. */
  public static final int USAGE = 2;

  /** The configuration file was refused. */
  public static final int BAD_CONFIG = 3;

  /** The running daemon cannot be reached over its control socket. */
  public static final int UNREACHABLE = 4;
}
