package dev.vipd.cluster.it;

import dev.vipd.testlab.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The harness side of one {@link TestNode} JVM: its events as they arrive, its stdin commands,
 * and signals sent by PID (never by name). Stderr (the node's log) goes to {@link #log()}.
 */
public final class NodeProcess implements AutoCloseable {
  private final NodeOptions options;
  private final Process process;
  private final Path log;
  private final List<NodeEvent> events = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private long statusRequests;
  private final Thread reader;
  private final long startedWallMillis = System.currentTimeMillis();

  NodeProcess(NodeOptions options, Process process, Path log) {
    this.options = options;
    this.process = process;
    this.log = log;
    this.reader = new Thread(this::readStdout, "stdout-" + options.name() + "-" + pid());
    reader.setDaemon(true);
    reader.start();
  }

  public String name() {
    return options.name();
  }

  public NodeOptions options() {
    return options;
  }

  public long pid() {
    return process.pid();
  }

  /** Wall-clock time just after the JVM was started. */
  public long startedWallMillis() {
    return startedWallMillis;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** A snapshot of the events printed so far. */
  public List<NodeEvent> events() {
    return List.copyOf(events);
  }

  /** The events of one kind for one VIP. */
  public List<NodeEvent> events(String kind, InetAddress vip) {
    return events.stream().filter(e -> e.is(kind, vip)).toList();
  }

  public List<NodeEvent> events(String kind) {
    return events.stream().filter(e -> e.kind().equals(kind)).toList();
  }

  /**
   * Asks for a status line; fails when none comes within {@code timeout}. Each request carries a
   * number that its reply repeats, so a reply that came too late for an earlier request is skipped,
   * not taken for this one.
   */
  public synchronized StatusLine status(Duration timeout) {
    long id = ++statusRequests;
    send("status " + id);
    String line = reply("STATUS id=" + id + " ", timeout);
    return StatusLine.parse(line);
  }

  /** Writes one command line to the node's stdin. */
  public void send(String command) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing '" + command + "' to " + name() + ": "
          + e.getMessage(), e);
    }
  }

  /** Waits for the next reply line starting with {@code prefix}, skipping others. */
  public String reply(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left <= 0 ? null : replies.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("no '" + prefix.trim() + "' reply from " + name() + " within "
              + timeout + " (alive: " + isAlive() + ", log: " + log + ")");
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name(), e);
    }
  }

  /** Waits for the JVM to exit and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name() + " did not exit within " + timeout + " (log: " + log + ")");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name(), e);
    }
  }

  /** {@code kill -9} by PID, and waits for the exit. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** SIGSTOP by PID: a silent failure (sockets stay open, nothing is sent). */
  public void pause() {
    Processes.signal(pid(), "STOP");
  }

  /** SIGCONT by PID. */
  public void resume() {
    Processes.signal(pid(), "CONT");
  }

  /** Stops the JVM by PID whatever its state (SIGKILL also ends a stopped process). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void readStdout() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("EVENT ")) {
          NodeEvent event = NodeEvent.parse(name(), line);
          events.add(event);
          System.out.println("  [" + name() + "] " + event);
        } else {
          replies.add(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      System.out.println("  [" + name() + "] stdout reader stopped: " + e);
    }
  }

  @Override
  public String toString() {
    return name() + "(pid " + pid() + ")";
  }
}
