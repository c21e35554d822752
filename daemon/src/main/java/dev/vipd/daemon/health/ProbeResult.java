package dev.vipd.daemon.health;

import java.util.Objects;

/**
 * The outcome of one probe.
 *
 * @param passed whether the check passed
 * @param detail what happened, for the log: a status line, an exit code and output, an error
 */
public record ProbeResult(boolean passed, String detail) {
  /** Validates the detail. */
  public ProbeResult {
    Objects.requireNonNull(detail, "detail");
  }

  /** A passing result. */
  public static ProbeResult pass(String detail) {
    return new ProbeResult(true, detail);
  }

  /** A failing result. */
  public static ProbeResult fail(String detail) {
    return new ProbeResult(false, detail);
  }
}
