package dev.vipd.daemon.link;

import dev.vipd.daemon.binding.CommandRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches interfaces by name and reports carrier, MAC, re-creation and removal to a {@link
 * LinkListener}.
 *
 * <p>Source: a child {@code ip -o monitor link} (through the same {@link CommandRunner} as the
 * binding, hence the same namespace prefix in tests), one line per kernel link message, plus an
 * {@code ip -o link show} snapshot. The monitor is started before the snapshot is taken, so a
 * change between the two is seen at least once; a line older than the snapshot can then report a
 * state briefly, but every later change also produces a line, so the reported state ends equal to
 * the kernel's. The kernel subscription happens a few hundred microseconds after the process
 * starts: a change in exactly that window is reported at the next re-snapshot only.
 *
 * <p>If the monitor process dies, it is restarted after a back-off (doubling from {@code
 * initialBackoff} up to {@code maxBackoff}; back to the start once a process lived {@link
 * #STABLE_AFTER}), then the snapshot is taken again and its differences are reported as changes.
 * A transient failure is retried quickly and a persistent one does not spin.
 *
 * <p>Lifecycle: {@code LATENT -> STARTED -> CLOSED}. {@link #start()} takes the initial snapshot
 * silently (read it with {@link #current}); {@link #close()} stops the child by its handle.
 * Listener calls come one at a time, from the reader thread or the scheduler.
 */
public final class LinkWatcher implements AutoCloseable {

  /** Default first back-off: fast enough that a one-off failure costs almost nothing. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

  /** Default back-off ceiling: a broken {@code ip} is retried every 10 s, not in a loop. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  /** A monitor that ran this long counts as healthy: the next failure starts the back-off over. */
  public static final Duration STABLE_AFTER = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(LinkWatcher.class);
  private static final List<String> MONITOR = List.of("ip", "-o", "monitor", "link");
  private static final List<String> SHOW = List.of("ip", "-o", "link", "show");

  private enum Lifecycle {
    LATENT,
    STARTED,
    CLOSED
  }

  /** What is known about one watched name. */
  private static final class Known {
    LinkState last;
    boolean present;
  }

  private final CommandRunner runner;
  private final LinkListener listener;
  private final ScheduledExecutorService scheduler;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Map<String, Known> watched = new HashMap<>();

  private Lifecycle lifecycle = Lifecycle.LATENT;
  private Process monitor;
  private long monitorStartedNanos;
  private Duration backoff;
  private ScheduledFuture<?> pendingRestart;
  private int restarts;

  public LinkWatcher(
      CommandRunner runner,
      Set<String> names,
      LinkListener listener,
      ScheduledExecutorService scheduler) {
    this(runner, names, listener, scheduler, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
  }

  public LinkWatcher(
      CommandRunner runner,
      Set<String> names,
      LinkListener listener,
      ScheduledExecutorService scheduler,
      Duration initialBackoff,
      Duration maxBackoff) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (initialBackoff.isNegative() || initialBackoff.isZero()
        || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "invalid back-off: " + initialBackoff + ".." + maxBackoff
              + " (expected: 0 < initial <= max)");
    }
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.backoff = initialBackoff;
    for (String name : names) {
      watched.put(name, new Known());
    }
  }

  /**
   * Starts the monitor and takes the initial snapshot (no events for it).
   *
   * @throws dev.vipd.daemon.binding.CommandException when {@code ip} cannot be run
   */
  public void start() {
    synchronized (this) {
      if (lifecycle != Lifecycle.LATENT) {
        throw new IllegalStateException("cannot start a link watcher that is " + lifecycle);
      }
      lifecycle = Lifecycle.STARTED;
    }
    launch(false);
  }

  /** The last state seen for a watched name; empty if absent or not watched. */
  public synchronized Optional<LinkState> current(String name) {
    Known known = watched.get(name);
    return known == null || !known.present ? Optional.empty() : Optional.of(known.last);
  }

  /** How many times the monitor process was restarted after dying. */
  public synchronized int restarts() {
    return restarts;
  }

  @Override
  public void close() {
    Process process;
    synchronized (this) {
      if (lifecycle == Lifecycle.CLOSED) {
        return;
      }
      lifecycle = Lifecycle.CLOSED;
      process = monitor;
      monitor = null;
      if (pendingRestart != null) {
        pendingRestart.cancel(false);
      }
    }
    if (process != null) {
      process.destroy();
    }
  }

  /** Starts a monitor process, applies a snapshot, then starts reading the monitor's lines. */
  private void launch(boolean report) {
    Process process = runner.start("watching links", MONITOR);
    try {
      String snapshot = runner.run("listing links", SHOW);
      synchronized (this) {
        if (lifecycle == Lifecycle.CLOSED) {
          process.destroy();
          return;
        }
        monitor = process;
        monitorStartedNanos = System.nanoTime();
        applySnapshot(parseAll(snapshot), report);
      }
    } catch (RuntimeException e) {
      process.destroy();
      throw e;
    }
    Thread reader = new Thread(() -> read(process), "vipd-link-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Process process) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        LinkState state;
        try {
          state = LinkState.parse(line);
        } catch (IllegalArgumentException e) {
          log.warn("op=link-monitor skipped=\"{}\"", line.strip());
          continue;
        }
        synchronized (this) {
          if (monitor != process) {
            return;
          }
          apply(state, true);
        }
      }
    } catch (IOException e) {
      log.debug("op=link-monitor read failed: {}", e.toString());
    }
    monitorEnded(process);
  }

  private synchronized void monitorEnded(Process process) {
    if (monitor != process || lifecycle == Lifecycle.CLOSED) {
      return;
    }
    monitor = null;
    process.destroy();
    if (System.nanoTime() - monitorStartedNanos >= STABLE_AFTER.toNanos()) {
      backoff = initialBackoff;
    }
    log.warn("op=link-monitor ended; restarting in {} ms", backoff.toMillis());
    scheduleRestart();
  }

  private synchronized void scheduleRestart() {
    if (lifecycle == Lifecycle.CLOSED) {
      return;
    }
    pendingRestart = scheduler.schedule(this::restart, backoff.toMillis(), TimeUnit.MILLISECONDS);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
  }

  private void restart() {
    synchronized (this) {
      if (lifecycle == Lifecycle.CLOSED) {
        return;
      }
      restarts++;
    }
    try {
      launch(true);
      log.info("op=link-monitor restarted");
    } catch (RuntimeException e) {
      log.warn("op=link-monitor restart failed: {}", e.getMessage());
      scheduleRestart();
    }
  }

  private static List<LinkState> parseAll(String listing) {
    List<LinkState> states = new ArrayList<>();
    for (String line : listing.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        states.add(LinkState.parse(line));
      } catch (IllegalArgumentException e) {
        log.warn("op=link-snapshot skipped=\"{}\"", line.strip());
      }
    }
    return states;
  }

  private void applySnapshot(List<LinkState> states, boolean report) {
    Map<String, LinkState> byName = new HashMap<>();
    for (LinkState state : states) {
      byName.put(state.name(), state);
    }
    for (Map.Entry<String, Known> entry : watched.entrySet()) {
      LinkState state = byName.get(entry.getKey());
      if (state != null) {
        apply(state, report);
      } else if (entry.getValue().present) {
        entry.getValue().present = false;
        if (report) {
          listener.removed(entry.getKey());
        }
      }
    }
  }

  /** Compares {@code state} with what is known and reports the differences. Holds the lock. */
  private void apply(LinkState state, boolean report) {
    if (!state.deleted()) {
      renamedAway(state, report);
    }
    Known known = watched.get(state.name());
    if (known == null) {
      return;
    }
    LinkState last = known.last;
    if (state.deleted()) {
      if (known.present && last.index() == state.index()) {
        known.present = false;
        if (report) {
          listener.removed(state.name());
        }
      }
      return;
    }
    boolean wasPresent = known.present;
    known.last = state;
    known.present = true;
    if (!report) {
      return;
    }
    if (!wasPresent || last.index() != state.index()) {
      listener.recreated(state.name(), state.index());
    }
    if (last != null && !last.mac().equals(state.mac())) {
      listener.macChanged(state.name(), state.mac());
    }
    boolean carrierBefore = last != null && last.carrier();
    if (carrierBefore != state.carrier()) {
      listener.carrierChanged(state.name(), state.carrier());
    }
  }

  /** A watched name whose index now carries another name was renamed: it is gone. */
  private void renamedAway(LinkState state, boolean report) {
    for (Map.Entry<String, Known> entry : watched.entrySet()) {
      Known known = entry.getValue();
      if (known.present
          && known.last.index() == state.index()
          && !entry.getKey().equals(state.name())) {
        known.present = false;
        if (report) {
          listener.removed(entry.getKey());
        }
      }
    }
  }
}
