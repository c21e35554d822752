package dev.vipd.testlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A line-buffered {@code tcpdump} in a lab namespace whose lines are collected as they come.
 * {@link #start} returns only once tcpdump says it is listening, so its filter is attached and no
 * frame sent afterwards is missed (a fixed sleep is not enough on a loaded machine).
 */
public final class Tcpdump implements AutoCloseable {
  private static final Duration ATTACH_LIMIT = Duration.ofSeconds(20);

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private Tcpdump(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "tcpdump-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code tcpdump -n -l -i <iface> <options and filter>} on {@code host} and waits until
   * it listens. The process is stopped by PID on {@link #close}, at the latest with the lab.
   */
  public static Tcpdump start(Host host, String iface, String... optionsAndFilter) {
    String[] argv = new String[5 + optionsAndFilter.length];
    argv[0] = "tcpdump";
    argv[1] = "-n";
    argv[2] = "-l";
    argv[3] = "-i";
    argv[4] = iface;
    System.arraycopy(optionsAndFilter, 0, argv, 5, optionsAndFilter.length);
    Tcpdump capture = new Tcpdump(host.spawn(argv));
    Await.until("tcpdump " + String.join(" ", optionsAndFilter) + " listening on " + host.name(),
        ATTACH_LIMIT, () -> capture.lines.stream().anyMatch(l -> l.contains("listening on")),
        () -> ": " + capture.lines + (capture.process.isAlive() ? "" : " (exited)"));
    return capture;
  }

  /** Every line so far, tcpdump's own messages included. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Whether a captured line matches {@code match}. */
  public boolean saw(Predicate<String> match) {
    return lines.stream().anyMatch(match);
  }

  /** Waits until a captured line matches {@code match} and returns the milliseconds that took. */
  public long await(String what, Duration timeout, Predicate<String> match) {
    return Await.until(what, timeout, () -> saw(match), () -> ": captured " + lines);
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the capture was stopped
    }
  }

  @Override
  public void close() {
    Processes.stop(process.toHandle(), Duration.ofSeconds(2));
  }
}
