package dev.vipd.daemon.faults;

import dev.vipd.daemon.e2e.AnsweringMacs;
import dev.vipd.testlab.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Probes every VIP from the client again and again (one round of arping/ndisc6 takes about a
 * second) and records, per round, how many VIPs more than one MAC answered: the two-MAC window.
 */
final class TwoMacWatch implements AutoCloseable {
  /** One probe round: when it started (ms since the watch started) and VIPs with 2+ MACs. */
  record Round(long atMillis, int vipsWithTwoMacs) {}

  private final Host client;
  private final List<String> vips;
  private final List<Round> rounds = new ArrayList<>();
  private final long start = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;

  TwoMacWatch(Host client, List<String> vips) {
    this.client = client;
    this.vips = List.copyOf(vips);
    this.thread = new Thread(this::loop, "two-mac-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      long at = (System.nanoTime() - start) / 1_000_000;
      Map<String, Set<String>> seen = AnsweringMacs.ofAll(client, vips);
      int two = 0;
      for (Set<String> macs : seen.values()) {
        if (macs.size() > 1) {
          two++;
        }
      }
      synchronized (rounds) {
        rounds.add(new Round(at, two));
      }
    }
  }

  /** Milliseconds since the watch started (the time base of {@link Round#atMillis}). */
  long now() {
    return (System.nanoTime() - start) / 1_000_000;
  }

  List<Round> rounds() {
    synchronized (rounds) {
      return List.copyOf(rounds);
    }
  }

  /** From the first to the end of the last round that saw two MACs (0 when none did). */
  long windowMillis() {
    List<Round> all = rounds();
    long first = -1;
    long lastEnd = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).vipsWithTwoMacs() > 0) {
        if (first < 0) {
          first = all.get(i).atMillis();
        }
        lastEnd = i + 1 < all.size() ? all.get(i + 1).atMillis() : now();
      }
    }
    return first < 0 ? 0 : lastEnd - first;
  }

  /** The most VIPs seen with two MACs in one round. */
  int maxVipsWithTwoMacs() {
    return rounds().stream().mapToInt(Round::vipsWithTwoMacs).max().orElse(0);
  }

  /** True when a round that started at or after {@code sinceMillis} saw two MACs. */
  boolean twoMacsSince(long sinceMillis) {
    return rounds().stream().anyMatch(r -> r.atMillis() >= sinceMillis && r.vipsWithTwoMacs() > 0);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
