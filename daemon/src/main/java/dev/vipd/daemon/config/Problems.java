package dev.vipd.daemon.config;

import com.typesafe.config.ConfigOrigin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the problems of one load, and where each value read came from. Values that come from
 * {@code reference.conf} have no line in the operator's file and are placed at the file itself.
 */
final class Problems {

  private final Path file;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<String, SourceLine> origins = new HashMap<>();

  Problems(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * The file and line of {@code origin}, or the loaded file with no line for defaults (a
   * classpath resource such as {@code reference.conf}, or an object merged from several files).
   */
  SourceLine where(ConfigOrigin origin) {
    if (origin != null
        && origin.resource() == null
        && origin.filename() != null
        && origin.lineNumber() > 0) {
      return new SourceLine(Path.of(origin.filename()), origin.lineNumber());
    }
    return SourceLine.defaulted(file);
  }

  void add(ConfigOrigin origin, String keyPath, String message) {
    add(where(origin), keyPath, message);
  }

  /** Records a problem once: two sections that trip on the same bad value report it once. */
  void add(SourceLine where, String keyPath, String message) {
    ConfigProblem problem = new ConfigProblem(where, keyPath, message);
    if (!problems.contains(problem)) {
      problems.add(problem);
    }
  }

  /** Remembers where {@code keyPath} was written, if it was written in a file. */
  void seen(String keyPath, ConfigOrigin origin) {
    SourceLine where = where(origin);
    if (where.line() > 0) {
      origins.put(keyPath, where);
    }
  }

  /** Where {@code keyPath} was written, or the file with no line if it was not seen. */
  SourceLine originOf(String keyPath) {
    return origins.getOrDefault(keyPath, SourceLine.defaulted(file));
  }

  Map<String, SourceLine> origins() {
    return origins;
  }

  int count() {
    return problems.size();
  }

  /** The problems sorted by file and line, problems without a line first. */
  ConfigException exception() {
    List<ConfigProblem> sorted = new ArrayList<>(problems);
    sorted.sort(
        Comparator.comparing((ConfigProblem p) -> p.where().file().toString())
            .thenComparingInt(p -> p.where().line()));
    return new ConfigException(sorted);
  }
}
