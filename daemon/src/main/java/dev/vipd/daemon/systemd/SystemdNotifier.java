package dev.vipd.daemon.systemd;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sd_notify} protocol: tells systemd that vipd is ready, stopping or still alive, by
 * datagrams to the socket named in {@code NOTIFY_SOCKET} (a path, or {@code @name} for an abstract
 * socket). Without {@code NOTIFY_SOCKET} (not started by systemd, or {@code Type=simple}) every
 * call is a no-op that returns false.
 *
 * <p>Sending never throws: a notification that cannot be delivered must not stop the daemon. The
 * first failure is logged as a warning, repeats only at debug until a send succeeds again, so a
 * watchdog every few seconds cannot flood the journal.
 */
public final class SystemdNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

  private final UnixDatagramSender sender;
  private final Duration watchdogInterval;
  private boolean failing;

  private SystemdNotifier(UnixDatagramSender sender, Duration watchdogInterval) {
    this.sender = sender;
    this.watchdogInterval = watchdogInterval;
  }

  /** A notifier for this process's environment. */
  public static SystemdNotifier fromEnvironment() {
    return create(System.getenv(), ProcessHandle.current().pid());
  }

  /**
   * A notifier for the given environment.
   *
   * @param environment variables, as from {@link System#getenv()}
   * @param pid this process's id, matched against {@code WATCHDOG_PID}
   * @throws IllegalArgumentException when {@code NOTIFY_SOCKET} is set but not a usable address
   */
  public static SystemdNotifier create(Map<String, String> environment, long pid) {
    String socket = environment.get("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty()) {
      return new SystemdNotifier(null, null);
    }
    UnixDatagramSender sender;
    try {
      sender = new UnixDatagramSender(socket);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid NOTIFY_SOCKET: " + e.getMessage(), e);
    }
    return new SystemdNotifier(sender, watchdogInterval(environment, pid));
  }

  /**
   * Half of {@code WATCHDOG_USEC}, the period at which systemd expects {@code WATCHDOG=1}; empty
   * when the watchdog is off, or when {@code WATCHDOG_PID} names another process (the variables
   * were inherited from a parent that systemd watches).
   */
  static Duration watchdogInterval(Map<String, String> environment, long pid) {
    String usec = environment.get("WATCHDOG_USEC");
    if (usec == null || usec.isEmpty()) {
      return null;
    }
    String watchedPid = environment.get("WATCHDOG_PID");
    if (watchedPid != null && !watchedPid.isEmpty() && !watchedPid.equals(Long.toString(pid))) {
      log.info("op=systemd WATCHDOG_PID={} is not this process ({}); no watchdog", watchedPid, pid);
      return null;
    }
    long micros;
    try {
      micros = Long.parseLong(usec);
    } catch (NumberFormatException e) {
      micros = 0;
    }
    if (micros <= 0) {
      log.warn(
          "op=systemd invalid WATCHDOG_USEC={} (expected: a positive number); no watchdog", usec);
      return null;
    }
    // Half the timeout, as sd_watchdog_enabled(3) recommends: one lost or late ping is survived.
    return Duration.ofNanos(micros * 500);
  }

  /** Whether systemd asked for notifications ({@code NOTIFY_SOCKET} is set). */
  public boolean enabled() {
    return sender != null;
  }

  /** The period of {@code WATCHDOG=1}, or empty when systemd does not watch this process. */
  public Optional<Duration> watchdogInterval() {
    return Optional.ofNullable(watchdogInterval);
  }

  /** {@code READY=1}: start-up is complete. */
  public boolean ready() {
    return notify("READY=1");
  }

  /** {@code STOPPING=1}: shutdown has begun. */
  public boolean stopping() {
    return notify("STOPPING=1");
  }

  /** {@code WATCHDOG=1}: still alive. */
  public boolean watchdog() {
    return notify("WATCHDOG=1");
  }

  /** {@code STATUS=...}: one line shown by {@code systemctl status}; line breaks become spaces. */
  public boolean status(String text) {
    return notify("STATUS=" + text.replace('\n', ' ').replace('\r', ' '));
  }

  /**
   * Sends a raw notification (newline-separated assignments, see {@code sd_notify(3)}).
   *
   * @return true when sent; false when disabled or the send failed
   */
  public synchronized boolean notify(String state) {
    Objects.requireNonNull(state, "state");
    if (sender == null) {
      return false;
    }
    try {
      sender.send(state);
      if (failing) {
        log.info("op=systemd notifications delivered again");
        failing = false;
      }
      return true;
    } catch (IOException e) {
      if (!failing) {
        log.warn("op=systemd notify failed: {}", e.getMessage());
        failing = true;
      } else {
        log.debug("op=systemd notify failed: {}", e.getMessage());
      }
      return false;
    }
  }

  /**
   * Sends {@code WATCHDOG=1} every {@link #watchdogInterval()} while {@code alive} says so: a
   * daemon whose checks fail stops pinging and systemd restarts it.
   *
   * @return the scheduled task (cancel it at shutdown), or empty when there is no watchdog
   */
  public Optional<ScheduledFuture<?>> startWatchdog(
      ScheduledExecutorService scheduler, BooleanSupplier alive) {
    if (sender == null || watchdogInterval == null) {
      return Optional.empty();
    }
    long period = watchdogInterval.toNanos();
    return Optional.of(
        scheduler.scheduleAtFixedRate(
            () -> {
              try {
                if (alive.getAsBoolean()) {
                  watchdog();
                } else {
                  log.debug("op=systemd not alive; withholding WATCHDOG=1");
                }
              } catch (RuntimeException e) {
                // An escaping exception would cancel the schedule; count it as "not alive" once.
                log.warn("op=systemd liveness check failed: {}", e.toString(), e);
              }
            },
            0,
            period,
            TimeUnit.NANOSECONDS));
  }

  /** Closes the socket; later notifications reopen it. */
  @Override
  public void close() {
    if (sender != null) {
      sender.close();
    }
  }
}
