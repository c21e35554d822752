package dev.vipd.daemon.health;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds command lines that run without vipd's capabilities. vipd holds CAP_NET_RAW and
 * CAP_NET_ADMIN (ambient under systemd's {@code AmbientCapabilities=}), and a child inherits them
 * across {@code execve}; an operator's check script or notify hook must not. The argv is therefore
 * prefixed with util-linux's {@code setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all
 * --no-new-privs --}, which clears the inheritable and ambient sets, empties the bounding set (so
 * that even uid 0 gets no capability at exec) and sets {@code no_new_privs} (so that setuid
 * binaries and file capabilities grant nothing either; a script that calls {@code sudo} or a setuid
 * {@code ping} fails).
 *
 * <p>Residual risk: dropping capabilities does not change the uid. If vipd runs as root, its
 * children still run as uid 0 and may read and write whatever root owns, capabilities or not. Run
 * vipd as a dedicated user instead ({@code User=vipd} with {@code AmbientCapabilities=CAP_NET_RAW
 * CAP_NET_ADMIN} in the systemd unit); then the children are an ordinary unprivileged user. Such a
 * user has no CAP_SETPCAP, so setpriv cannot empty the bounding set; it then leaves it as it is,
 * which is harmless because with no capabilities and {@code no_new_privs} nothing can be gained at
 * exec.
 *
 * <p>A program that cannot be executed (missing, not executable) is reported by setpriv itself:
 * exit status 127 or 126 and a {@code setpriv: failed to execute} line in the output.
 *
 * <p>When setpriv is not installed, {@link #detect()} returns a wrapper that passes argv through
 * unchanged and logs a warning once: children then inherit vipd's capabilities.
 */
public final class Unprivileged {
  private static final Logger log = LoggerFactory.getLogger(Unprivileged.class);

  private static final List<String> SETPRIV_OPTIONS =
      List.of(
          "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--");

  private final Optional<Path> setpriv;

  private Unprivileged(Optional<Path> setpriv) {
    this.setpriv = setpriv;
  }

  /** Wraps with the setpriv at {@code setprivPath}. */
  public static Unprivileged using(Path setprivPath) {
    return new Unprivileged(Optional.of(Objects.requireNonNull(setprivPath, "setprivPath")));
  }

  /** Passes argv through unchanged: children inherit vipd's capabilities. */
  public static Unprivileged passThrough() {
    return new Unprivileged(Optional.empty());
  }

  /**
   * Looks for {@code setpriv} on {@code PATH}, then in {@code /usr/bin} and {@code /bin}, like
   * {@code which setpriv}; warns when it is missing.
   */
  public static Unprivileged detect() {
    Optional<Path> found = find(System.getenv("PATH"));
    if (found.isEmpty()) {
      log.warn(
          "op=unprivileged setpriv not found (Debian package util-linux): health checks and hooks"
              + " run with vipd's capabilities");
      return passThrough();
    }
    return using(found.get());
  }

  static Optional<Path> find(String pathVariable) {
    List<String> dirs = new ArrayList<>();
    if (pathVariable != null) {
      dirs.addAll(List.of(pathVariable.split(":")));
    }
    dirs.add("/usr/bin");
    dirs.add("/bin");
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "setpriv");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Whether {@link #wrap} drops capabilities. */
  public boolean dropsCapabilities() {
    return setpriv.isPresent();
  }

  /** The command line that runs {@code argv} without vipd's capabilities. */
  public List<String> wrap(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid argv: [] (expected: a program and its arguments)");
    }
    if (setpriv.isEmpty()) {
      return List.copyOf(argv);
    }
    List<String> wrapped = new ArrayList<>(SETPRIV_OPTIONS.size() + 1 + argv.size());
    wrapped.add(setpriv.get().toString());
    wrapped.addAll(SETPRIV_OPTIONS);
    wrapped.addAll(argv);
    return List.copyOf(wrapped);
  }

  @Override
  public String toString() {
    return setpriv.map(p -> "Unprivileged[" + p + "]").orElse("Unprivileged[pass-through]");
  }
}
