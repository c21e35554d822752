package dev.vipd.daemon.hooks;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One notify hook: a command run when this node acquires or releases a VIP (keepalived's {@code
 * notify_master} / {@code notify_backup}). Immutable and validated on construction.
 *
 * @param name the hook's name in the config and the log
 * @param events the events it runs on; not empty
 * @param argv the command; run without a shell and without vipd's capabilities
 * @param timeout after this the hook's process tree is killed
 */
public record HookSpec(String name, Set<HookEvent> events, List<String> argv, Duration timeout) {
  /** Longest timeout: a hook is a notification, not a job; one VIP's later hooks wait for it. */
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  /** Validates every field and copies the collections. */
  public HookSpec {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
      throw new IllegalArgumentException(
          "invalid hook name: \"" + name + "\" (expected: 1-64 letters, digits, '.', '_', '-')");
    }
    if (events == null || events.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid events: " + events + " (expected: one or more of acquire, release)");
    }
    events = Set.copyOf(EnumSet.copyOf(events));
    if (argv == null
        || argv.isEmpty()
        || argv.get(0) == null
        || argv.get(0).isBlank()
        || argv.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException(
          "invalid argv: " + argv + " (expected: a program and its arguments)");
    }
    argv = List.copyOf(argv);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "invalid timeout: "
              + timeout.toMillis()
              + "ms (expected: 1ms-"
              + MAX_TIMEOUT.toMillis()
              + "ms)");
    }
  }

  /** Whether the hook runs on {@code event}. */
  public boolean runsOn(HookEvent event) {
    return events.contains(event);
  }
}
