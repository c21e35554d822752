package dev.vipd.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing wrong with a configuration file: where it is and what is wrong.
 *
 * <p>Printed as {@code /etc/vipd/vipd.conf:14: vipd.pools[0].addresses[2]: invalid address range:
 * 198.51.100.20-198.51.100.10 (start after end)}. The key path is {@code null} for problems that
 * belong to no key (a syntax error, an unreadable file).
 */
public record ConfigProblem(SourceLine where, String keyPath, String message) {

  public ConfigProblem {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(message, "message");
  }

  /** The file the problem is in. */
  public Path file() {
    return where.file();
  }

  /** The 1-based line, or -1 when the problem has no line (a default, a missing file). */
  public int line() {
    return where.line();
  }

  @Override
  public String toString() {
    return keyPath == null ? where + ": " + message : where + ": " + keyPath + ": " + message;
  }
}
