package dev.vipd.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a configuration value was written: the file and the 1-based line, or line {@code -1} when
 * the value is a default from {@code reference.conf} (the operator's file has no line for it).
 */
public record SourceLine(Path file, int line) {

  public SourceLine {
    Objects.requireNonNull(file, "file");
    if (line < -1 || line == 0) {
      throw new IllegalArgumentException("invalid line: " + line + " (expected: -1 or >= 1)");
    }
  }

  /** A place in {@code file} with no line: the value came from the defaults. */
  public static SourceLine defaulted(Path file) {
    return new SourceLine(file, -1);
  }

  /** {@code file:line}, or just {@code file} when the line is unknown. */
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file.toString();
  }
}
